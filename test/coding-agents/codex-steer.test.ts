import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call } from '../kit/engine-kit.ts';
import type { ModelRequest } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { gate, installed, type openBaton, talkingBaton, waitFor } from './baton-kit.ts';
import { CLIS } from './clis.ts';

// A person talks to the real Codex while it works (runs.say), by its app-server's `turn/steer`:
// the scripted model server holds its first answer; the message is sent meanwhile, and the very
// next request to the model holds it; the model's next move depends on it (the file it writes).
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let close: (() => Promise<void>) | undefined;
const SAID = 'Please also write the word bananas into bananas.txt.';

/** The server's first answer waits for this. */
const { held, release } = gate();
let asked = 0;

const saidIn = (req: ModelRequest) => req.texts.some((t) => t.includes(SAID));

beforeAll(async () => {
  if (!installed) return;
  ({ servers, baton, close } = await talkingBaton('codex', [
    { plan: 'steer', task: 'talk', description: 'Run echo.' },
  ]));
  servers.script('codex', [
    {
      name: 'steer',
      turns: [
        {
          ...CLIS.codex.shellTurn('echo one'),
          before: async () => {
            asked++;
            if (asked === 1) await held;
          },
        },
        {
          text: 'Writing what was asked.',
          tools: [
            {
              name: 'apply_patch',
              input: (req) =>
                `*** Begin Patch\n*** Add File: ${saidIn(req) ? 'bananas.txt' : 'nothing.txt'}\n+bananas\n*** End Patch\n`,
            },
          ],
        },
        { text: 'Done, and bananas.' },
      ],
    },
  ]);
}, 120_000);

afterAll(async () => {
  release();
  await close?.();
});

const steps = (runId: string) =>
  call<StoredStep[]>(baton.app, 'runs.steps', { run_id: runId, task_id: 'talk' });

describe.skipIf(!installed)('a person talks to Codex mid-task', () => {
  it('reaches the model in the very next request, recorded with the person’s name, and Codex acts on it', async () => {
    const { app } = baton;
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'steer' })).run_id;
    const ref = { run_id: runId, task_id: 'talk' };
    // The first model request came, and its answer is held: the turn is open.
    await waitFor(() => asked >= 1, 120_000);
    await expect
      .poll(() => call(app, 'runs.listening', ref), { timeout: 30_000 })
      .toEqual({
        delivery: 'this_turn',
        says: 'Codex: sent into this turn',
      });
    const said = await call<{ delivery: string; says: string }>(app, 'runs.say', {
      ...ref,
      text: SAID,
      actor: 'ana',
    });
    expect(said).toMatchObject({ delivery: 'this_turn', says: 'Codex: sent into this turn' });
    let seen: StoredStep[] = [];
    await waitFor(
      () => seen.some((s) => s.kind === 'message' && s.by === 'ana'),
      30_000,
      async () => {
        seen = await steps(runId);
      },
    );
    // The held answer goes: Codex asks the model next with the person's words in the request.
    release();
    const detail = await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(detail.status, task.error ?? '').toBe('completed');

    const calls = servers.calls('codex', 'steer').map((c) => c.request!);
    expect(saidIn(calls[0]!)).toBe(false);
    // The very next request holds the person's words, and every one after it.
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.slice(1).every(saidIn)).toBe(true);
    const all = await steps(runId);
    expect(all.find((s) => s.kind === 'message' && s.by === 'ana')).toMatchObject({
      role: 'user',
      text: SAID,
      by: 'ana',
    });
    // It acted on them: the file they asked for is its change.
    const changed = all.filter((s) => s.kind === 'tool_call' && s.name === 'file_change');
    expect(JSON.stringify(changed.at(-1))).toContain('bananas.txt');
    expect(all.filter((s) => s.kind === 'result').at(-1)).toMatchObject({
      text: 'Done, and bananas.',
      is_error: false,
    });
    const audit = await call<{ why: string | null; actor: string }[]>(app, 'audit.list', ref);
    expect(audit.some((e) => e.actor === 'ana' && e.why?.includes(SAID))).toBe(true);

    await expect(call(app, 'runs.say', { ...ref, text: 'too late', actor: 'ana' })).rejects.toThrow(
      'task "talk" is not running: it is done',
    );
    expect(await call(app, 'runs.listening', ref)).toBeNull();
  }, 300_000);
});
