import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GO_ON } from '../../src-main/agents/coding/routes/held.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TurnState } from '../../src-shared/steering.ts';
import { call } from '../kit/engine-kit.ts';
import type { ModelRequest } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { installed, type openBaton, talkingBaton, worktreeOf } from './baton-kit.ts';
import { CLIS } from './clis.ts';

// A person stops the real opencode's turn (Stop this turn: `POST /session/{id}/abort` on its own
// server, through Baton's bridge): its first turn runs a shell command that never ends by itself;
// the turn is aborted, the attempt waits, and the person's next message (another `prompt_async`)
// is the next turn, which finishes the task. Pause holds it the same way until Resume, whose
// words are the next turn. The model is a scripted local server.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let close: (() => Promise<void>) | undefined;
const SAID = 'Never mind the command: just say bananas.';
const NEVER = CLIS.opencode.shellTurn(
  'touch started; while [ ! -f never ]; do sleep 0.1; done; echo released',
);
const about = (word: string) => (req: ModelRequest) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(word));

beforeAll(async () => {
  if (!installed) return;
  ({ servers, baton, close } = await talkingBaton('opencode', [
    { plan: 'stop', task: 'work', description: 'STOP-TASK: run the waiting command.' },
    { plan: 'pause', task: 'work', description: 'PAUSE-TASK: run the waiting command.' },
  ]));
  servers.script('opencode', [
    { name: 'stop', match: about('STOP-TASK'), turns: [NEVER, { text: 'Bananas.' }] },
    { name: 'pause', match: about('PAUSE-TASK'), turns: [NEVER, { text: 'Went on.' }] },
  ]);
}, 120_000);

afterAll(async () => {
  await close?.();
});

/** Starts the plan and waits until its turn runs the shell command (and can be stopped). */
async function running(planId: string) {
  const { app } = baton;
  const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: planId })).run_id;
  const ref = { run_id: runId, task_id: 'work' };
  await expect.poll(() => servers.calls('opencode', planId).length, { timeout: 120_000 }).toBe(1);
  // The shell command runs (it says so in the worktree).
  const started = join(worktreeOf(servers.calls('opencode', planId)[0]!.request!), 'started');
  await expect.poll(() => existsSync(started), { timeout: 60_000 }).toBe(true);
  await expect
    .poll(async () => (await call<TurnState>(app, 'runs.turns', ref)).can_stop, { timeout: 60_000 })
    .toBe(true);
  const steps = () => call<StoredStep[]>(app, 'runs.steps', ref);
  return { runId, ref, steps };
}

describe.skipIf(!installed)('a person stops opencode’s turn', () => {
  it('aborts the running turn; the attempt waits and goes on with the next message', async () => {
    const { app } = baton;
    const { runId, ref, steps } = await running('stop');
    const stopped = await call<TurnState>(app, 'runs.interrupt', { ...ref, actor: 'ana' });
    expect(stopped).toMatchObject({ held: 'stopped', can_stop: false });
    // The turn ends (its result), the server waits for the next prompt: the task still runs.
    await expect
      .poll(async () => (await steps()).some((s) => s.kind === 'result'), { timeout: 60_000 })
      .toBe(true);
    expect((await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!.status).toBe('in_progress');
    expect(servers.calls('opencode', 'stop')).toHaveLength(1);
    const said = await call<{ delivery: string }>(app, 'runs.say', { ...ref, text: SAID, actor: 'ana' });
    expect(said.delivery).toBe('next_turn');
    const detail = await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(detail.status, task.error ?? '').toBe('completed');
    const calls = servers.calls('opencode', 'stop');
    expect(calls, JSON.stringify(calls.map((c) => c.request!.texts.slice(-3)))).toHaveLength(2);
    expect(calls[1]!.request!.texts.join('\n')).toContain(SAID);
    const all = await steps();
    expect(all.filter((s) => s.kind === 'message' && s.by === 'ana')).toMatchObject([
      { role: 'system', text: 'Stopped this turn' },
      { role: 'user', text: SAID },
    ]);
    // The stopped turn is no error; the last result is the next turn's answer.
    expect(all.filter((s) => s.kind === 'error')).toEqual([]);
    expect(all.filter((s) => s.kind === 'result').at(-1)).toMatchObject({
      text: 'Bananas.',
      is_error: false,
    });
    await expect(call(app, 'runs.interrupt', { ...ref, actor: 'ana' })).rejects.toThrow(
      'task "work" is not running: it is done',
    );
  }, 300_000);

  it('Pause stops the turn and holds it; Resume is the next turn', async () => {
    const { app } = baton;
    const { runId, ref, steps } = await running('pause');
    expect(await call<TurnState>(app, 'runs.pause', { ...ref, actor: 'ana' })).toMatchObject({
      held: 'paused',
    });
    await expect
      .poll(async () => (await steps()).some((s) => s.kind === 'result'), { timeout: 60_000 })
      .toBe(true);
    expect(await call<TurnState>(app, 'runs.turns', ref)).toMatchObject({ held: 'paused', can_stop: false });
    expect(servers.calls('opencode', 'pause')).toHaveLength(1);
    await call(app, 'runs.resume', { ...ref, actor: 'ana' });
    const detail = await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(detail.status, task.error ?? '').toBe('completed');
    const calls = servers.calls('opencode', 'pause');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.request!.texts.join('\n')).toContain(GO_ON);
    expect((await steps()).filter((s) => s.kind === 'message' && s.by === 'ana')).toMatchObject([
      { role: 'system', text: 'Paused: no next turn until Resume' },
      { role: 'system', text: 'Resumed' },
    ]);
  }, 300_000);
});
