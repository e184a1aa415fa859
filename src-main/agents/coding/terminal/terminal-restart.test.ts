import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalView } from '../../../../src-shared/contract/index.ts';
import type { RunDetail } from '../../../../src-shared/schemas/run.ts';
import type { TurnState } from '../../../../src-shared/steering.ts';
import { waitingAcpAgentScript } from '../../../../test/kit/acp-waiting-agent.ts';
import { call, eventually } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { sandboxStatus } from '../../../sandbox/index.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { listeningReadme } from './testing/waiting-task.ts';

const sandbox = await sandboxStatus();

/**
 * Baton closed while a terminal holds a task's agent (a real ACP agent, a real git worktree, a
 * real SQLite file): the terminal goes with Baton, its hold does not. The next Baton finds the
 * task paused by the person (its agent not started again), with no terminal; Resume lets it go on.
 */
describe.skipIf(!sandbox.available)('a terminal’s hold across a restart of Baton', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-terminal-restart-'));
  const scripts = mkdtempSync(join(tmpdir(), 'baton-terminal-restart-agent-'));
  const repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  let app: BatonApp | undefined;
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scripts, { recursive: true, force: true });
    repo.cleanup();
  });

  it('keeps the task paused by the person, without a terminal, until Resume', async () => {
    writeFileSync(join(scripts, 'agent.mjs'), waitingAcpAgentScript);
    app = createApp({ dataDir, log: () => {} });
    const runId = await listeningReadme(app, repo.repo, join(scripts, 'agent.mjs'), 'Tidy the README.');
    const ref = { run_id: runId, task_id: 'readme' };
    const dir = (await call<{ dir: string }[]>(app, 'runs.sessions', { run_id: runId }))[0]!.dir;
    const prompts = () => readFileSync(join(dir, 'prompts.log'), 'utf8');
    await eventually(() => existsSync(join(dir, 'prompts.log')), 30_000, "the agent's first turn");
    const opened = await app.dispatch('terminals.open', ref, { actor: 'Ana' });
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    expect((opened as { value: TerminalView }).value.agent_held).toBe(true);
    writeFileSync(join(dir, 'half-done.md'), 'typed before Baton closed\n');
    await app.close();

    app = createApp({ dataDir, log: () => {} });
    await eventually(
      async () =>
        (await call<{ text: string }[]>(app!, 'runs.taskLogs', ref)).some((l) =>
          l.text.includes('not started again until Resume'),
        ),
      60_000,
      'the attempt held',
    );
    expect(await call<TurnState>(app, 'runs.turns', ref)).toMatchObject({ held: 'paused', by: 'Ana' });
    expect(await call(app, 'terminals.get', ref)).toBeNull();
    // What the person typed is still in the worktree, uncommitted; the agent did not run since.
    expect(readFileSync(join(dir, 'half-done.md'), 'utf8')).toBe('typed before Baton closed\n');
    expect(prompts().match(/--- turn /g)).toHaveLength(2); // its first turn, and that turn cancelled
    await call(app, 'runs.resume', { ...ref, actor: 'Ana' });
    await eventually(() => prompts().includes('Baton restarted'), 60_000, 'the agent started again');
    writeFileSync(join(dir, 'go'), '');
    await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(task.status, task.error ?? '').toBe('done');
  }, 180_000);
});
