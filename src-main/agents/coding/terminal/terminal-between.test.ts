import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalOutcome, TerminalView } from '../../../../src-shared/contract/index.ts';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../../../src-shared/schemas/run.ts';
import type { TurnState } from '../../../../src-shared/steering.ts';
import { waitingAcpAgent, waitingAcpAgentScript } from '../../../../test/kit/acp-waiting-agent.ts';
import { call, eventually } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { sandboxStatus } from '../../../sandbox/index.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

const sandbox = await sandboxStatus();

/**
 * A terminal opened in a task no attempt runs (it failed, its worktree kept), with real parts (a
 * real ACP agent, a real git worktree, the real OS sandbox): the task is paused while the person
 * types, so a retry made meanwhile starts an attempt that waits, its agent not started and its
 * worktree untouched, until the person closes the terminal and lets the agent go on.
 */
describe.skipIf(!sandbox.available)('a terminal in a task between its attempts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-terminal-between-'));
  const scripts = mkdtempSync(join(tmpdir(), 'baton-terminal-between-agent-'));
  const repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  const fail = join(scripts, 'fail');
  let app: BatonApp | undefined;
  let dir = '';
  let keeping = '';
  afterAll(async () => {
    for (const d of [dir, keeping]) if (d && existsSync(d)) writeFileSync(join(d, 'go'), '');
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scripts, { recursive: true, force: true });
    repo.cleanup();
  });

  it('holds a retry made while the terminal is open until the person lets the agent go on', async () => {
    // The agent fails its turn while the file `fail` exists beside it (the first attempt).
    const failing = waitingAcpAgentScript.replace(
      '    turns++;',
      `    if (existsSync(${JSON.stringify(fail)})) throw new Error('told to fail');\n    turns++;`,
    );
    expect(failing).not.toBe(waitingAcpAgentScript);
    writeFileSync(join(scripts, 'agent.mjs'), failing);
    writeFileSync(join(scripts, 'keeper.mjs'), waitingAcpAgentScript);
    writeFileSync(fail, '');
    app = createApp({ dataDir, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    // The run goes on while the task is failed (a retry is made inside it): another task still works.
    await call(app, 'agents.import', {
      agents: [
        waitingAcpAgent(join(scripts, 'agent.mjs')),
        { ...waitingAcpAgent(join(scripts, 'keeper.mjs')), id: 'keeper', skills: ['keep'] },
      ],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'readme',
        workspace: 'app',
        tasks: [
          { task_id: 'readme', description: 'Tidy the README.', required_skills: ['code'] },
          { task_id: 'keep', description: 'Keep the run going.', required_skills: ['keep'] },
        ],
      },
    });
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'readme' })).run_id;
    const ref = { run_id: runId, task_id: 'readme' };
    const task = async () =>
      (await call<RunDetail>(app!, 'runs.get', { run_id: runId })).tasks.find((t) => t.task_id === 'readme')!;
    await eventually(async () => (await task()).status === 'failed', 60_000, 'the first attempt failed');
    const sessionsOf = () =>
      call<{ task_id: string; dir: string }[]>(app!, 'runs.sessions', { run_id: runId });
    await eventually(async () => (await sessionsOf()).length === 2, 60_000, 'both worktrees');
    const sessions = await sessionsOf();
    dir = sessions.find((s) => s.task_id === 'readme')!.dir;
    keeping = sessions.find((s) => s.task_id === 'keep')!.dir;

    const opened = await app.dispatch('terminals.open', ref, { actor: 'Ana' });
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    const view = (opened as { value: TerminalView }).value;
    expect(view).toMatchObject({ agent_held: true });
    expect(view.agent_note).toContain('a retry or a request for changes waits until you close the terminal');
    expect(await call<TurnState>(app, 'runs.turns', ref)).toMatchObject({ held: 'paused', by: 'Ana' });
    writeFileSync(join(dir, 'mine.md'), 'typed by Ana\n');

    // Retried while the terminal is open: the attempt waits before anything of it starts.
    rmSync(fail);
    await call(app, 'runs.retryTask', { ...ref, actor: 'Bo' });
    await eventually(
      async () =>
        (await call<{ text: string }[]>(app!, 'runs.taskLogs', ref)).some((l) =>
          l.text.includes('not started again until Resume'),
        ),
      60_000,
      'the retry held',
    );
    expect((await task()).status).toBe('in_progress');
    expect(existsSync(join(dir, 'prompts.log'))).toBe(false);
    expect(readFileSync(join(dir, 'mine.md'), 'utf8')).toBe('typed by Ana\n');

    // Another person's Resume does not lift the terminal's hold: the retry still waits.
    const resumed = await app.dispatch('runs.resume', { ...ref, actor: 'Bo' }, { actor: 'Bo' });
    expect(resumed.ok).toBe(false);
    expect(JSON.stringify(resumed)).toContain("held by Ana's terminal (Take over)");
    expect(await call<TurnState>(app, 'runs.turns', ref)).toMatchObject({
      held: 'paused',
      by: 'Ana',
      kept_by: expect.stringContaining("Ana's terminal (Take over)"),
    });
    expect((await call<TerminalView | null>(app, 'terminals.get', ref))?.agent_held).toBe(true);

    // Closed, the agent let go on: the held attempt starts, in the worktree as the person left it.
    const closed = await app.dispatch(
      'terminals.commit',
      { terminal_id: view.terminal_id, commit: false, after: 'go_on' },
      { actor: 'Ana' },
    );
    expect(closed.ok, JSON.stringify(closed)).toBe(true);
    expect((closed as { value: TerminalOutcome }).value.said).toContain(
      'its agent did not run while you typed',
    );
    expect(await call<TurnState>(app, 'runs.turns', ref)).toMatchObject({ held: null, kept_by: null });
    await eventually(() => existsSync(join(dir, 'prompts.log')), 60_000, 'the agent started');
    // Read while its agent works: once the task is done its worktree is parked (gone from here).
    expect(readFileSync(join(dir, 'mine.md'), 'utf8')).toBe('typed by Ana\n');
    writeFileSync(join(dir, 'go'), '');
    writeFileSync(join(keeping, 'go'), '');
    const settled = await app.engine.whenSettled(runId);
    const done = await task();
    expect(settled.status, done.error ?? '').toBe('completed');
    expect(repo.git(['show', `baton/${runId}/readme:mine.md`])).toBe('typed by Ana');
  }, 180_000);
  it('holds a request for changes made while the terminal is open; ending the task from a terminal lifts its pause', async () => {
    writeFileSync(join(scripts, 'keeper.mjs'), waitingAcpAgentScript);
    const own = mkdtempSync(join(tmpdir(), 'baton-terminal-between-review-'));
    const repo2 = makeRepo({ 'README.md': '# A sample workspace\n' });
    const b = createApp({ dataDir: own, log: () => {} });
    let tree = '';
    try {
      await call(b, 'workspaces.add', { id: 'app', path: repo2.repo });
      await call(b, 'agents.import', { agents: [waitingAcpAgent(join(scripts, 'keeper.mjs'))] });
      await call(b, 'plans.import', {
        plan: {
          plan_id: 'readme',
          workspace: 'app',
          tasks: [
            { task_id: 'readme', description: 'Tidy the README.', required_skills: ['code'], review: 'diff' },
          ],
        },
      });
      const runId = (await call<{ run_id: string }>(b, 'runs.start', { plan_id: 'readme' })).run_id;
      const ref = { run_id: runId, task_id: 'readme' };
      await eventually(async () => (await call(b, 'runs.listening', ref)) !== null, 60_000, 'listening');
      tree = (await call<{ dir: string }[]>(b, 'runs.sessions', { run_id: runId }))[0]!.dir;
      const turns = () =>
        (readFileSync(join(tree, 'prompts.log'), 'utf8').match(/--- turn \d+\n/g) ?? []).length;
      await eventually(() => existsSync(join(tree, 'prompts.log')), 30_000, "the agent's first turn");
      // Its turn ends (it wrote prompts.log: a change to review): the diff waits for a person.
      writeFileSync(join(tree, 'go'), '');
      const review = async () =>
        (await call<ApprovalView[]>(b, 'approvals.list', { status: 'pending' })).find(
          (a) => a.kind === 'diff_review',
        );
      await eventually(async () => (await review()) !== undefined, 60_000, 'the diff review');
      const opened = await b.dispatch('terminals.open', ref, { actor: 'Ana' });
      expect(opened.ok, JSON.stringify(opened)).toBe(true);
      const view = (opened as { value: TerminalView }).value;
      expect(view.agent_held).toBe(true);
      const before = turns();
      await call(b, 'approvals.decide', {
        approval_id: (await review())!.id,
        decision: 'request_changes',
        actor: 'Bo',
        comment: 'Say more.',
      });
      await eventually(
        async () =>
          (await call<{ text: string }[]>(b, 'runs.taskLogs', ref)).some((l) =>
            l.text.includes('not started again until Resume'),
          ),
        60_000,
        'the changes held',
      );
      expect(turns()).toBe(before);
      // Let go on: the held attempt runs (its first turn's file is there: it ends at once), and its diff waits again.
      const goOn = await b.dispatch(
        'terminals.commit',
        { terminal_id: view.terminal_id, commit: false, after: 'go_on' },
        { actor: 'Ana' },
      );
      expect(goOn.ok, JSON.stringify(goOn)).toBe(true);
      await eventually(
        async () => turns() > before && (await review()) !== undefined,
        60_000,
        'the next review',
      );
      // A terminal on the task again, then the task ended from it, no attempt started since: the pause goes.
      const again = await b.dispatch('terminals.open', ref, { actor: 'Ana' });
      expect(again.ok, JSON.stringify(again)).toBe(true);
      const second = (again as { value: TerminalView }).value;
      expect(second.agent_held).toBe(true);
      expect(b.store.pauses.list()).toHaveLength(1);
      const ended = await b.dispatch(
        'terminals.commit',
        { terminal_id: second.terminal_id, commit: false, after: 'end_task' },
        { actor: 'Ana' },
      );
      expect(ended.ok, JSON.stringify(ended)).toBe(true);
      await b.engine.whenSettled(runId);
      expect(await call<TurnState>(b, 'runs.turns', ref)).toMatchObject({ held: null });
      expect(b.store.pauses.list()).toEqual([]);
    } finally {
      await b.close();
      rmSync(own, { recursive: true, force: true });
      repo2.cleanup();
    }
  }, 180_000);
});
