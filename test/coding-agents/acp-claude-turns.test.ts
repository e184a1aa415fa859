import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TurnState } from '../../src-shared/steering.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, waitFor } from './baton-kit.ts';
import { CLIS } from './clis.ts';

const bin = (name: string) => join(import.meta.dirname, 'node_modules', '.bin', name);
const SAID = 'Forget the command; just say bananas.';

/**
 * Claude Code over the Agent Client Protocol (Zed's `claude-agent-acp`), paused mid-turn: Baton
 * sends `session/cancel`, the turn ends `cancelled`, and the attempt holds instead of ending; a
 * message said meanwhile waits, and Resume sends it as the session's next `session/prompt`,
 * which finishes the task. The model is a scripted local server.
 */
describe.skipIf(!installed)('Claude Code over ACP, paused and resumed', () => {
  let servers: Servers;
  let baton: ReturnType<typeof openBaton>;
  const path = process.env.PATH;
  beforeAll(async () => {
    process.env.PATH = `${bin('')}:${path ?? ''}`;
    servers = await startServers();
    baton = openBaton();
    await call(baton.app, 'workspaces.add', { id: 'app', path: baton.repo.repo });
  });
  afterAll(async () => {
    process.env.PATH = path;
    await baton?.close();
    await servers?.close();
  });

  it('holds the session between turns and goes on with the held message at Resume', async () => {
    const { app } = baton;
    servers.script('claude', [
      {
        name: 'acp',
        turns: [
          CLIS.claude.shellTurn('while [ ! -f never ]; do sleep 0.1; done'),
          { text: 'Bananas.' },
          // The adapter's turn after a stopped one is prompted once more (see below).
          { text: 'Bananas, done.' },
        ],
      },
    ]);
    await call(app, 'agents.import', {
      agents: [{ ...codingAgent(servers, 'claude'), protocol: undefined }],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'hold',
        workspace: 'app',
        tasks: [{ task_id: 'held', description: 'Run the waiting command.', required_skills: ['claude'] }],
      },
    });
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'hold' })).run_id;
    const ref = { run_id: runId, task_id: 'held' };
    let seen: StoredStep[] = [];
    const steps = async () => {
      seen = await call<StoredStep[]>(app, 'runs.steps', ref);
    };
    await waitFor(() => seen.some((s) => s.kind === 'tool_call' && s.status === 'running'), 120_000, steps);
    expect(await call<TurnState>(app, 'runs.turns', ref)).toMatchObject({ can_stop: true });
    await call(app, 'runs.pause', { ...ref, actor: 'ana' });
    // The pause is recorded at once; the adapter ends the turn `cancelled` (its shell command stopped).
    await waitFor(() => seen.some((s) => s.kind === 'message' && s.role === 'system'), 60_000, steps);
    expect(await call<TurnState>(app, 'runs.turns', ref)).toMatchObject({ held: 'paused', by: 'ana' });
    expect((await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!.status).toBe('in_progress');
    const said = await call<{ delivery: string }>(app, 'runs.say', { ...ref, text: SAID, actor: 'ana' });
    expect(said.delivery).toBe('next_turn');
    expect(servers.calls('claude', 'acp')).toHaveLength(1);
    await call(app, 'runs.resume', { ...ref, actor: 'bo' });
    const detail = await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(detail.status, task.error ?? '').toBe('completed');
    const calls = servers.calls('claude', 'acp');
    // The held message is the next turn's. The adapter (0.23.1) answers that prompt at once with the
    // stopped turn's leftover end and runs it unseen: Baton, seeing nothing recorded, prompts it to
    // go on, which brings the unseen turn's updates and one more model call.
    expect(calls).toHaveLength(3);
    expect(calls[1]!.request!.texts.at(-1)).toBe(SAID);
    expect(calls[2]!.request!.texts.at(-1)).toBe('Go on with the task.');
    expect(task.output).toMatchObject({ summary: expect.stringContaining('Bananas, done.') });
    const logs = await call<{ text: string }[]>(app, 'runs.taskLogs', ref);
    expect(logs.some((l) => l.text.includes('nothing recorded: prompted to go on'))).toBe(true);
    await steps();
    const people = seen.flatMap((s) => (s.kind === 'message' && s.by ? [[s.by, s.role, s.text]] : []));
    expect(people).toEqual([
      ['ana', 'system', 'Paused: no next turn until Resume'],
      ['ana', 'user', SAID],
      ['bo', 'system', 'Resumed'],
    ]);
  }, 300_000);
});
