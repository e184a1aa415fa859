// The tool loop's two figures, in a durable app (SQLite in WAL mode, in a temp dir):
//   - the tool-call approval round trip, excluding the person: an attempt asks (`askToolCall`)
//     → the approval reaches the inbox (the `approval.changed` event a UI or notifier sees) →
//     a decision over the contract (`approvals.decide`, as the API does it) → the attempt has
//     the verdict and proceeds;
//   - one loop step's own overhead in Baton: an executor yields a tool call's `running` and
//     `done` steps (an in-process tool answering at once) and each is stored and committed before
//     it is asked for its next event (the tool loop's rule); the time from yielding a step to
//     being resumed, per step.
// Usage: node test/bench/tool-loop-worker.ts [--approvals N] [--steps N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Executor } from '../../src-main/engine/executor.ts';
import { argInt } from './measure.ts';

const approvals = argInt('approvals', 500);
const steps = argInt('steps', 5_000);
const dataDir = mkdtempSync(join(tmpdir(), 'baton-tool-loop-'));
const roundTrips: number[] = [];
const stepTimes: number[] = [];

const bench: Executor = {
  usesWorkspace: false,
  async *start(ctx, signal) {
    if (ctx.task.task_id === 'approvals') {
      for (let i = 0; i < approvals; i++) {
        const t0 = performance.now();
        await ctx.askToolCall!(
          {
            call_id: `c${i}`,
            tool: 'write_file',
            server: 'fs',
            input: { i },
            agent_text: '',
            reason: 'bench',
          },
          signal,
        );
        roundTrips.push(performance.now() - t0);
      }
    } else {
      const at = () => new Date().toISOString();
      for (let i = 0; i < steps; i++) {
        const base = {
          kind: 'tool_call' as const,
          seq: i,
          at: at(),
          call_id: `c${i}`,
          name: 'echo',
          server: 'mem',
          input: { i },
        };
        let t0 = performance.now();
        yield {
          type: 'step',
          step: { ...base, status: 'running', output: null, error: null, ended_at: null, duration_ms: null },
        };
        stepTimes.push(performance.now() - t0);
        t0 = performance.now();
        yield {
          type: 'step',
          step: { ...base, status: 'done', output: `echo ${i}`, error: null, ended_at: at(), duration_ms: 0 },
        };
        stepTimes.push(performance.now() - t0);
      }
    }
    yield { type: 'result', output: 'ok' };
  },
};

const app = createApp({ dataDir, log: () => {}, executors: { echo: bench } });
try {
  // The person, excluded: decides each tool call as soon as the inbox has it.
  app.bus.subscribe((batch) => {
    for (const e of batch)
      if (e.name === 'approval.changed' && e.payload.status === 'pending' && e.payload.kind === 'tool_call') {
        void app.dispatch('approvals.decide', {
          approval_id: e.payload.id,
          decision: 'approve',
          actor: 'bench',
        });
      }
  });
  await app.dispatch('agents.import', { agents: [{ id: 'b', skills: ['x'], max_concurrency: 2 }] });
  await app.dispatch('plans.import', {
    plan: {
      plan_id: 'loop',
      tasks: [
        { task_id: 'approvals', description: '', required_skills: ['x'] },
        { task_id: 'steps', description: '', required_skills: ['x'] },
      ],
    },
  });
  const r = await app.dispatch('runs.start', { plan_id: 'loop' });
  if (!r.ok) throw new Error(r.error.message);
  const run = await app.engine.whenSettled((r.value as { run_id: string }).run_id);
  if (run.status !== 'completed') throw new Error(`the run ended ${run.status}`);
  const q = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  console.log(
    `TOOL_LOOP_RESULT ${JSON.stringify({
      approvals,
      approvalP50Ms: q(roundTrips, 0.5),
      approvalP99Ms: q(roundTrips, 0.99),
      steps: stepTimes.length,
      stepP50Ms: q(stepTimes, 0.5),
      stepP99Ms: q(stepTimes, 0.99),
    })}`,
  );
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
