import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../../../../src-shared/schemas/approval.ts';
import type { StoredStep } from '../../../../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../../../../src-shared/schemas/workspace.ts';
import type { TurnState } from '../../../../../src-shared/steering.ts';
import {
  askingAcpAgentScript as askingScript,
  waitingAcpAgent,
  waitingAcpAgentScript,
} from '../../../../../test/kit/acp-waiting-agent.ts';
import { call, eventually, setup } from '../../../../../test/kit/engine-kit.ts';
import { scratch } from '../../../../../test/kit/scratch.ts';
import type { BatonApp } from '../../../../app/create-app.ts';
import { GO_ON } from '../held.ts';

// A person stops an ACP agent's turn, and pauses and resumes it: `session/cancel` ends the turn
// (`cancelled`), and the attempt waits for their next words or Resume instead of ending. The
// agent (the SDK's agent side) waits in its first turn for a file or a cancel, and logs each prompt.
const { temp, repo: tempRepo, app: tempApp } = scratch();

/** The agent's run started (its attempt may not have begun yet). */
async function launched(script: string, extra: Record<string, unknown> = {}) {
  const repo = tempRepo();
  const file = join(temp('baton-turns-acp-'), 'agent.mjs');
  writeFileSync(file, script);
  const a = tempApp('baton-turns-');
  await call(a, 'workspaces.add', { id: 'app', path: repo.repo });
  const run = await setup(a, [{ ...waitingAcpAgent(file), ...extra }], {
    plan_id: 'p',
    workspace: 'app',
    tasks: [{ task_id: 't', description: 'Wait, then go on.', required_skills: ['code'] }],
  });
  return { a, run, ref: { run_id: run, task_id: 't' }, repo: repo.repo };
}

/** The agent in its first turn, which it has logged. */
async function started(script = waitingAcpAgentScript, extra: Record<string, unknown> = {}) {
  const { a, run, ref, repo } = await launched(script, extra);
  let tree = '';
  await eventually(async () => {
    const state = await call<TurnState>(a, 'runs.turns', ref);
    const sessions = await call<{ task_id: string; dir: string }[]>(a, 'runs.sessions', { run_id: run });
    tree = sessions.find((x) => x.task_id === 't')?.dir ?? '';
    return state.can_stop && tree !== '' && existsSync(join(tree, 'prompts.log'));
  });
  return { a, run, ref, tree, repo };
}

const prompts = (tree: string) => readFileSync(join(tree, 'prompts.log'), 'utf8');

async function finished(a: BatonApp, run: string, repo: string) {
  await a.engine.whenSettled(run);
  const t = a.store.runs.task(run, 't')!;
  expect(t.status, t.error ?? '').toBe('done');
  const out = t.output as CodingOutput;
  return execFileSync('git', ['show', `${out.commit}:prompts.log`], { cwd: repo, encoding: 'utf8' });
}

describe('stopping and pausing an ACP agent’s turn', () => {
  it('Stop this turn: session/cancel ends the turn; the attempt waits and goes on with the next message', async () => {
    const { a, run, ref, tree, repo } = await started();
    const stopped = await call<TurnState & { says: string }>(a, 'runs.interrupt', { ...ref, actor: 'ana' });
    expect(stopped).toMatchObject({ held: 'stopped', can_stop: false });
    await eventually(() => prompts(tree).includes('--- turn 1 cancelled'));
    // The attempt waits: still running, the agent gets no next turn on its own.
    expect(a.store.runs.task(run, 't')!.status).toBe('in_progress');
    await expect(call(a, 'runs.interrupt', { ...ref, actor: 'ana' })).rejects.toThrow(
      'task "t"\'s turn is already stopped: its agent waits for a message or Resume',
    );
    expect(prompts(tree)).not.toContain('--- turn 2');
    await call(a, 'runs.say', { ...ref, text: 'Do the README instead.', actor: 'ana' });
    const log = await finished(a, run, repo);
    expect(log).toMatch(/--- turn 1 cancelled\n--- turn 2\nDo the README instead\.\n$/);
    const steps = await call<StoredStep[]>(a, 'runs.steps', ref);
    expect(steps.filter((s) => s.kind === 'message' && s.by === 'ana')).toMatchObject([
      { role: 'system', text: 'Stopped this turn' },
      { role: 'user', text: 'Do the README instead.' },
    ]);
    const audit = await call<{ why: string | null; actor: string }[]>(a, 'audit.list', ref);
    expect(audit.some((e) => e.actor === 'ana' && e.why?.startsWith('turn stopped'))).toBe(true);
    await expect(call(a, 'runs.pause', { ...ref, actor: 'ana' })).rejects.toThrow(
      'task "t" is not running: it is done',
    );
  }, 60_000);

  it('Pause holds the agent, a message waits with it; Resume gives it the next turn', async () => {
    const { a, run, ref, tree, repo } = await started();
    await call(a, 'runs.pause', { ...ref, actor: 'bo' });
    await eventually(() => prompts(tree).includes('--- turn 1 cancelled'));
    expect(await call<TurnState>(a, 'runs.turns', ref)).toMatchObject({ held: 'paused', by: 'bo' });
    expect(a.store.pauses.list()).toMatchObject([{ run_id: run, task_id: 't', by: 'bo' }]);
    await expect(call(a, 'runs.pause', { ...ref, actor: 'ana' })).rejects.toThrow(
      /task "t" is already paused by bo since /,
    );
    // Said while paused: held for the next turn, which does not come yet.
    await call(a, 'runs.say', { ...ref, text: 'When you go on, be brief.', actor: 'bo' });
    expect(prompts(tree)).not.toContain('--- turn 2');
    await call(a, 'runs.resume', { ...ref, actor: 'ana' });
    const log = await finished(a, run, repo);
    expect(log).toMatch(/--- turn 2\nWhen you go on, be brief\.\n$/);
    expect(a.store.pauses.list()).toEqual([]);
    const steps = await call<StoredStep[]>(a, 'runs.steps', ref);
    const notes = steps.flatMap((s) => (s.kind === 'message' && s.role === 'system' ? [[s.by, s.text]] : []));
    expect(notes).toEqual([
      ['bo', 'Paused: no next turn until Resume'],
      ['ana', 'Resumed'],
    ]);
    await expect(call(a, 'runs.resume', { ...ref, actor: 'ana' })).rejects.toThrow(
      'task "t" is not running: it is done',
    );
  }, 60_000);

  it('Resume with nothing said tells the agent to go on', async () => {
    const { a, run, ref, tree, repo } = await started();
    await call(a, 'runs.interrupt', { ...ref, actor: 'ana' });
    await eventually(() => prompts(tree).includes('--- turn 1 cancelled'));
    await call(a, 'runs.resume', { ...ref, actor: 'ana' });
    const log = await finished(a, run, repo);
    expect(log.endsWith(`--- turn 2\n${GO_ON}\n`)).toBe(true);
  }, 60_000);

  it('a question the stopped turn asked is answered cancelled and withdrawn from the inbox', async () => {
    const { a, run, ref, tree, repo } = await started(askingScript, { tool_approvals: 'inbox' });
    let asked: ApprovalView | undefined;
    await eventually(async () => {
      asked = (await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' })).find(
        (x) => x.run_id === run,
      );
      return asked !== undefined;
    });
    await call(a, 'runs.interrupt', { ...ref, actor: 'ana' });
    await eventually(() => prompts(tree).includes('--- permission cancelled'));
    await eventually(async () => a.store.approvals.get(asked!.id)?.status === 'expired');
    await call(a, 'runs.say', { ...ref, text: 'Skip the notes.', actor: 'ana' });
    const log = await finished(a, run, repo);
    expect(log).toMatch(/--- permission cancelled\n--- turn 2\nSkip the notes\.\n$/);
  }, 60_000);

  it('a pause that reaches the agent together with its prompt still stops the turn: the cancel is sent again', async () => {
    // As agents built on the ACP SDK do: a cancel that comes with no turn running is forgotten
    // (the SDK hands it over before the prompt it came behind), and the agent is busy just after
    // its session starts, so the prompt and the cancel reach it together.
    const script = waitingAcpAgentScript
      .replace('    if (turns > 1) cancelled = false;', '    cancelled = false;')
      .replace(
        "{ cwd = params.cwd; return { sessionId: 'said-1' }; }",
        "{ cwd = params.cwd; setTimeout(() => { const until = Date.now() + 3000; while (Date.now() < until); }, 0); return { sessionId: 'said-1' }; }",
      );
    expect(script).not.toBe(waitingAcpAgentScript);
    const { a, run, ref, repo } = await launched(script);
    // Paused as soon as the prompt is on its way: the agent is still busy.
    await eventually(async () => (await call<TurnState>(a, 'runs.turns', ref)).can_stop);
    await call(a, 'runs.pause', { ...ref, actor: 'bo' });
    const tree = (await call<{ task_id: string; dir: string }[]>(a, 'runs.sessions', { run_id: run }))[0]!
      .dir;
    await eventually(
      () => existsSync(join(tree, 'prompts.log')) && prompts(tree).includes('--- turn 1 cancelled'),
    );
    expect(await call<TurnState>(a, 'runs.turns', ref)).toMatchObject({ held: 'paused', by: 'bo' });
    await call(a, 'runs.resume', { ...ref, actor: 'bo' });
    const log = await finished(a, run, repo);
    expect(log.endsWith(`--- turn 2\n${GO_ON}\n`)).toBe(true);
  }, 60_000);
});
