import type { Executor } from '../../engine/executor.ts';
import { CANCELLED } from '../../engine/executor.ts';

/** The inputs of a task that has none: one object for all their outputs (a big plan's run keeps every output). */
const NO_INPUTS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Built-in `echo`: completes at once with its input. Dry runs and benchmarks use it. */
export const echoExecutor: Executor = {
  usesWorkspace: false,
  reportsUsage: false,
  async *start(ctx, signal) {
    if (signal.aborted) {
      yield CANCELLED;
      return;
    }
    yield {
      type: 'result',
      output: {
        task_id: ctx.task.task_id,
        description: ctx.task.description,
        inputs: ctx.task.inputs ?? NO_INPUTS,
        // Ids only: echoing whole dependency outputs would nest without bound along a chain.
        received_from: ctx.dependencies.map((d) => d.task_id),
      },
    };
  },
};
