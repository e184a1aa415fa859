import { afterEach, describe, expect, it } from 'vitest';
import { setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import type { Executor } from './executor.ts';

let app: BatonApp | undefined;
afterEach(() => app?.close());

describe('steps of an attempt', () => {
  it('each step is stored (committed) before the executor is asked for its next event', async () => {
    const seenStored: number[] = [];
    const steps = 20;
    const executor: Executor = {
      usesWorkspace: false,
      async *start(ctx) {
        for (let seq = 0; seq < steps; seq++) {
          yield {
            type: 'step',
            step: {
              kind: 'message',
              seq,
              at: new Date().toISOString(),
              role: 'assistant',
              text: `step ${seq}`,
            },
          };
          // What the agent does next (call a tool, ask the model) comes after its step is stored.
          seenStored.push(app!.store.steps.list(ctx.run_id, ctx.task.task_id, ctx.attempt).length);
        }
        yield { type: 'result', output: 'ok' };
      },
    };
    app = createApp({ dataDir: ':memory:', log: () => {}, executors: { echo: executor } });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    await app.engine.whenSettled(run);
    expect(seenStored).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
  });

  it("an executor's malformed step is dropped and said in the task's log; the steps around it, and the tick they share, are kept", async () => {
    const at = () => new Date().toISOString();
    const executor: Executor = {
      usesWorkspace: false,
      async *start() {
        yield { type: 'step', step: { kind: 'message', seq: 0, at: at(), role: 'assistant', text: 'first' } };
        // No seq (what an ACP session's sandbox refusal once was): its row cannot be written.
        const bad = { kind: 'message', at: at(), role: 'assistant', text: 'no seq' };
        yield { type: 'step', step: bad as never };
        yield { type: 'log', stream: 'stdout', text: 'between' };
        yield {
          type: 'step',
          step: { kind: 'message', seq: 1, at: at(), role: 'assistant', text: 'second' },
        };
        // What a malformed usage step says was spent still counts (charged with the task).
        const spent = { kind: 'usage', seq: -1, at: at(), model: 'm', input_tokens: 1, output_tokens: 1 };
        yield { type: 'step', step: { ...spent, cached_input_tokens: 0, cost_usd: 0.25 } as never };
        yield { type: 'result', output: 'ok' };
      },
    };
    app = createApp({ dataDir: ':memory:', log: () => {}, executors: { echo: executor } });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    const settled = await app.engine.whenSettled(run);
    expect(settled.status).toBe('completed');
    const stored = app.store.steps.list(run, 't', 1);
    expect(stored.map((s) => (s.kind === 'message' ? s.text : s.kind))).toEqual(['first', 'second']);
    const logs = app.store.execution.logs(run, 't', 0, 50).map((l) => `${l.stream}: ${l.text}`);
    expect(logs).toContain('stdout: between');
    expect(logs).toContain(
      "notice: a message step of the agent's was not stored (seq: undefined is not a whole number ≥ 0)",
    );
    expect(logs).toContain(
      "notice: a usage step of the agent's was not stored (seq: -1 is not a whole number ≥ 0)",
    );
    expect(app.store.execution.transactions('run', run).map((x) => x.amount)).toEqual([0.25]);
    expect(() =>
      app!.store.steps.upsertOf({ run_id: run, task_id: 't', attempt: 1, agent_id: 'w' }, [
        { kind: 'message', seq: 2.5, at: at(), role: 'assistant', text: 'x' },
      ]),
    ).toThrow('step: seq: 2.5 is not a whole number ≥ 0');
  });
});
