import type { Executor } from '../../engine/executor.ts';
import { CANCELLED } from '../../engine/executor.ts';

/** The inputs of a task that has none: one object for all their outputs (a big plan's run keeps every output). */
const NO_INPUTS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Built-in `echo`: completes at once with its input. Dry runs and benchmarks use it. */
export const echoExecutor: Executor = {
  usesWorkspace: false,
  reportsUsage: false,
  endsWithProcess: true,
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
        // Ids only: echoing whole dependency outputs would nest without bound along a chain. The
        // dependencies are the task's `depends_on`, in its order: its array is the answer (a big
        // run keeps every output, and 100,000 copies of it held ~7 MB).
        received_from: ctx.task.depends_on,
      },
    };
  },
};
