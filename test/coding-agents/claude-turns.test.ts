import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TurnState } from '../../src-shared/steering.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { installed, type openBaton, talkingBaton, waitFor } from './baton-kit.ts';
import { CLIS } from './clis.ts';

// A person stops the real Claude Code's turn (Stop this turn: its control request `interrupt` on
// its open stream-json stdin): its first turn runs a shell command that never ends by itself; the
// turn is stopped, the attempt waits, and the person's next message is the next turn, which
// finishes the task. The model is a scripted local server.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let close: (() => Promise<void>) | undefined;
const SAID = 'Never mind the command: just say bananas.';

beforeAll(async () => {
  if (!installed) return;
  ({ servers, baton, close } = await talkingBaton('claude', [
    { plan: 'stop', task: 'work', description: 'Run the waiting command.' },
  ]));
  servers.script('claude', [
    {
      name: 'stop',
      turns: [
        CLIS.claude.shellTurn('while [ ! -f never ]; do sleep 0.1; done; echo released'),
        { text: 'Bananas.' },
      ],
    },
  ]);
}, 120_000);

afterAll(async () => {
  await close?.();
});

describe.skipIf(!installed)('a person stops Claude Code’s turn', () => {
  it('interrupts the running turn; the attempt waits and goes on with the next message', async () => {
    const { app } = baton;
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'stop' })).run_id;
    const ref = { run_id: runId, task_id: 'work' };
    const steps = () => call<StoredStep[]>(app, 'runs.steps', ref);
    let seen: StoredStep[] = [];
    await waitFor(
      () => seen.some((s) => s.kind === 'tool_call' && s.name === 'Bash'),
      120_000,
      async () => {
        seen = await steps();
      },
    );
    expect(await call<TurnState>(app, 'runs.turns', ref)).toMatchObject({ held: null, can_stop: true });
    const stopped = await call<TurnState>(app, 'runs.interrupt', { ...ref, actor: 'ana' });
    expect(stopped).toMatchObject({ held: 'stopped', can_stop: false });
    // The turn ends (its result), the program waits on its open stdin: the task still runs.
    await waitFor(
      () => seen.some((s) => s.kind === 'result'),
      60_000,
      async () => {
        seen = await steps();
      },
    );
    expect((await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!.status).toBe('in_progress');
    expect(servers.calls('claude', 'stop')).toHaveLength(1);
    const said = await call<{ delivery: string }>(app, 'runs.say', { ...ref, text: SAID, actor: 'ana' });
    expect(said.delivery).toBe('next_turn');
    const detail = await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(detail.status, task.error ?? '').toBe('completed');
    const calls = servers.calls('claude', 'stop');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.request!.texts.join('\n')).toContain(SAID);
    const all = await steps();
    expect(all.filter((s) => s.kind === 'message' && s.by === 'ana')).toMatchObject([
      { role: 'system', text: 'Stopped this turn' },
      { role: 'user', text: SAID },
    ]);
    await expect(call(app, 'runs.interrupt', { ...ref, actor: 'ana' })).rejects.toThrow(
      'task "work" is not running: it is done',
    );
  }, 300_000);
});
