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
});
