// One p-graph measurement in a fresh process: every task an async function, dependencies as
// [dependency, task] pairs, no concurrency limit. In memory, no durability: a lower bound.
// Usage: node test/bench/peers/pgraph-worker.ts --size N [--shape layers|chain] [--warmup N]
import { type DependencyList, PGraph, type PGraphNodeRecord } from 'p-graph';
import type { Dag } from '../dag.ts';
import { benchDag } from '../dag.ts';
import { argInt, argShape, cpuMsSince, emitMeasured, medianRun, TaskClock, WARMUP_SIZE } from '../measure.ts';

const size = argInt('size', 1000);
const shape = argShape();
const warmup = argInt('warmup', WARMUP_SIZE);
let clock = new TaskClock(1);

async function run(dag: Dag) {
  const t0 = performance.now();
  const nodes: PGraphNodeRecord = {};
  const deps: DependencyList = [];
  for (const t of dag.tasks) {
    const id = t.id;
    nodes[id] = {
      run: async () => {
        clock.start(id);
        clock.result(id);
      },
    };
    for (const d of t.deps) deps.push([d, id]);
  }
  const graph = new PGraph(nodes, deps);
  const setupMs = performance.now() - t0;
  clock = new TaskClock(dag.tasks.length);
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  await graph.run();
  return { setupMs, cpuMs: cpuMsSince(cpu0), wallMs: performance.now() - start, clock };
}

if (warmup > 0) await run(benchDag(shape, warmup));
const dag = benchDag(shape, size);
const r = await medianRun(() => run(dag));
emitMeasured({ system: 'p-graph', shape, size, ok: r.clock.ran === size }, r.clock, dag, r);
