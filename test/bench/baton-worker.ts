// One Baton measurement in a fresh process: durable store in a temp dir, echo agents, a
// wrapping executor that records when each task starts and yields its result.
// Usage: node test/bench/baton-worker.ts --size N [--shape layers|chain] [--warmup N] [--work-ms N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { echoExecutor } from '../../src-main/agents/echo/echo.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Executor } from '../../src-main/engine/executor.ts';
import type { WireResult } from '../../src-shared/contract/errors.ts';
import type { BuildResponse } from '../../src-shared/schemas/run.ts';
import type { Dag } from './dag.ts';
import { benchDag } from './dag.ts';
import {
  argInt,
  argShape,
  cpuMsSince,
  emitMeasured,
  medianRun,
  progress,
  TaskClock,
  WARMUP_SIZE,
} from './measure.ts';

const size = argInt('size', 1000);
const shape = argShape();
const warmup = argInt('warmup', WARMUP_SIZE);
/** With N > 0, each task takes a random 0–N ms before its result (agents whose answers arrive spread out). */
const workMs = argInt('work-ms', 0);

let clock = new TaskClock(1);
const timedEcho: Executor = {
  usesWorkspace: false,
  // Echo with a clock: its work stays in this process, as echo's does.
  endsWithProcess: true,
  async *start(ctx, signal) {
    clock.start(ctx.task.task_id);
    if (workMs > 0) await new Promise((r) => setTimeout(r, Math.random() * workMs));
    for await (const ev of echoExecutor.start(ctx, signal)) {
      if (ev.type === 'result') clock.result(ctx.task.task_id);
      yield ev;
    }
  },
};

const dataDir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
const app = createApp({ dataDir, executors: { echo: timedEcho } });

function must(r: WireResult, what: string): unknown {
  if (!r.ok) throw new Error(`${what} failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** The plan of a DAG, as a client sends it. */
function planOf(planId: string, dag: Dag) {
  return {
    plan_id: planId,
    tasks: dag.tasks.map((t) => ({
      task_id: t.id,
      description: '',
      required_skills: ['x'],
      depends_on: t.deps,
    })),
  };
}

/**
 * Imports and runs a plan of `size` tasks. The DAG is made here and let go once imported: a
 * client does not hold its plan while the run goes on, and at 100,000 tasks the bench's own
 * copy (~13 MB live, ~3× that at the heap's peak) would count against Baton's peak RSS.
 */
async function run(planId: string, size: number) {
  let plan: ReturnType<typeof planOf> | null = planOf(planId, benchDag(shape, size));
  const t0 = performance.now();
  must(await app.dispatch('plans.import', { plan }), 'plans.import');
  plan = null;
  const setupMs = performance.now() - t0;
  clock = new TaskClock(size);
  const ticker = setInterval(() => progress(clock.ran), 5000);
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  // Only the id is kept: the answer (the run screen's first view, every task) leaves the
  // process in the app (IPC, HTTP) and is not held for the run's length, as a client's would be here.
  const { run_id } = must(
    await app.dispatch('runs.start', { plan_id: planId }),
    'runs.start',
  ) as BuildResponse;
  const settled = await app.engine.whenSettled(run_id);
  const wallMs = performance.now() - start;
  clearInterval(ticker);
  // Untimed: the writer thread's last transactions are the run's too, and count in its peak RSS.
  // (A commit before the writer's room has none to wait for: `--against` runs this file there too.)
  await (app.store as Partial<typeof app.store>).whenWriterIdle?.(() => undefined);
  return { setupMs, cpuMs: cpuMsSince(cpu0), wallMs, status: settled.status, clock };
}

try {
  must(
    await app.dispatch('agents.import', {
      agents: [{ id: 'a1', kind: 'echo', skills: ['x'], max_concurrency: 1000 }],
    }),
    'agents.import',
  );
  if (warmup > 0) await run('warmup', warmup);
  const r = await medianRun((i) => run(`bench-${i}`, size));
  emitMeasured(
    {
      system: 'baton',
      shape,
      size,
      ok: r.status === 'completed' && r.clock.ran === size,
      note: `run ${r.status}`,
    },
    r.clock,
    // The same DAG again (it is seeded), for the hand-off figure.
    benchDag(shape, size),
    r,
  );
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
