import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GO_ON } from '../../src-main/agents/coding/routes/held.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TurnState } from '../../src-shared/steering.ts';
import { call } from '../kit/engine-kit.ts';
import type { ModelRequest } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { gate, installed, type openBaton, talkingBaton } from './baton-kit.ts';

// A person stops the real Codex's turn (Stop this turn, Pause: its app-server's `turn/interrupt`)
// while the scripted model server holds its first answer; the attempt waits, and goes on, as the
// next `turn/start` on the same thread, with the person's message, or after Resume with Baton's
// words to go on. The model is a scripted local server.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let close: (() => Promise<void>) | undefined;
const SAID = 'Never mind the command: just say bananas.';

/** Each conversation's first answer waits for the test's end: only a stop ends that turn. */
const { held: never, release } = gate();
const asked = { stop: 0, pause: 0 };

const about = (word: string) => (req: ModelRequest) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${word}:`));

beforeAll(async () => {
  if (!installed) return;
  ({ servers, baton, close } = await talkingBaton(
    'codex',
    ['stop', 'pause'].map((word) => ({ plan: word, task: word, description: 'Think about it.' })),
  ));
  const held = (which: keyof typeof asked) => async () => {
    asked[which]++;
    if (asked[which] === 1) await never;
  };
  servers.script('codex', [
    { name: 'stop', match: about('stop'), turns: [{ text: 'Bananas.', before: held('stop') }] },
    { name: 'pause', match: about('pause'), turns: [{ text: 'Went on.', before: held('pause') }] },
  ]);
}, 120_000);

afterAll(async () => {
  release();
  await close?.();
});

/** Starts plan `word` and waits until its first model request is held and its turn can be stopped. */
async function heldTurn(word: 'stop' | 'pause') {
  const { app } = baton;
  const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: word })).run_id;
  const ref = { run_id: runId, task_id: word };
  await expect.poll(() => asked[word], { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  await expect
    .poll(() => call<TurnState>(app, 'runs.turns', ref), { timeout: 30_000 })
    .toMatchObject({ held: null, can_stop: true });
  const steps = () => call<StoredStep[]>(app, 'runs.steps', ref);
  return { runId, ref, steps };
}

async function settled(runId: string) {
  const detail = await baton.app.engine.whenSettled(runId);
  const task = (await call<RunDetail>(baton.app, 'runs.get', { run_id: runId })).tasks[0]!;
  expect(detail.status, task.error ?? '').toBe('completed');
}

describe.skipIf(!installed)('a person stops Codex’s turn', () => {
  it('interrupts the running turn; the attempt waits and goes on with the next message', async () => {
    const { app } = baton;
    const { runId, ref, steps } = await heldTurn('stop');
    const stopped = await call<TurnState>(app, 'runs.interrupt', { ...ref, actor: 'ana' });
    expect(stopped).toMatchObject({ held: 'stopped', can_stop: false });
    // The turn ends (interrupted: its result), codex waits on its open stdin: the task still runs.
    await expect
      .poll(async () => (await steps()).some((s) => s.kind === 'result'), { timeout: 60_000 })
      .toBe(true);
    expect((await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!.status).toBe('in_progress');
    expect(servers.calls('codex', 'stop')).toHaveLength(1);
    const said = await call<{ delivery: string }>(app, 'runs.say', { ...ref, text: SAID, actor: 'ana' });
    expect(said.delivery).toBe('next_turn');
    await settled(runId);
    const calls = servers.calls('codex', 'stop');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.request!.texts.join('\n')).toContain(SAID);
    const all = await steps();
    expect(all.filter((s) => s.kind === 'message' && s.by === 'ana')).toMatchObject([
      { role: 'system', text: 'Stopped this turn' },
      { role: 'user', text: SAID },
    ]);
    expect(all.filter((s) => s.kind === 'result').at(-1)).toMatchObject({
      text: 'Bananas.',
      is_error: false,
    });
    await expect(call(app, 'runs.interrupt', { ...ref, actor: 'ana' })).rejects.toThrow(
      'task "stop" is not running: it is done',
    );
  }, 300_000);

  it('pauses the running turn; Resume lets it go on in the same thread', async () => {
    const { app } = baton;
    const { runId, ref, steps } = await heldTurn('pause');
    expect(await call<TurnState>(app, 'runs.pause', { ...ref, actor: 'bo' })).toMatchObject({
      held: 'paused',
    });
    await expect
      .poll(async () => (await steps()).some((s) => s.kind === 'result'), { timeout: 60_000 })
      .toBe(true);
    expect((await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!.status).toBe('in_progress');
    expect(servers.calls('codex', 'pause')).toHaveLength(1);
    // Held, words wait for its next turn, and the box says so before anything is sent.
    expect(await call(app, 'runs.listening', ref)).toEqual({
      delivery: 'next_turn',
      says: 'Codex: queued for the next turn',
    });
    expect(await call<TurnState>(app, 'runs.resume', { ...ref, actor: 'bo' })).toMatchObject({ held: null });
    await settled(runId);
    const calls = servers.calls('codex', 'pause');
    expect(calls).toHaveLength(2);
    // The same thread: the first prompt is in the next request's history, then Baton's words to go on.
    const next = calls[1]!.request!.texts.join('\n');
    expect(next).toContain('Task pause:');
    expect(next).toContain(GO_ON);
    const all = await steps();
    expect(
      all.filter((s) => s.kind === 'message' && s.by === 'bo').map((s) => s.kind === 'message' && s.text),
    ).toEqual(['Paused: no next turn until Resume', 'Resumed']);
    expect(all.filter((s) => s.kind === 'session')).toHaveLength(1);
    expect(all.filter((s) => s.kind === 'result').at(-1)).toMatchObject({
      text: 'Went on.',
      is_error: false,
    });
  }, 300_000);
});
