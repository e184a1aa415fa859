// One LangGraph measurement in a fresh process: a StateGraph with one node per task, join
// edges `addEdge([deps...], task)` so a task waits for all its dependencies, a summing reducer
// so parallel nodes can all write state, in memory or with the SQLite checkpointer on disk.
// Usage: node test/bench/peers/langgraph-worker.ts --size N --store memory|sqlite [--shape layers|chain] [--warmup N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import type { Dag } from '../dag.ts';
import { benchDag } from '../dag.ts';
import {
  argInt,
  argShape,
  argStr,
  cpuMsSince,
  emitMeasured,
  medianRun,
  progress,
  TaskClock,
  WARMUP_SIZE,
} from '../measure.ts';

const size = argInt('size', 1000);
const warmup = argInt('warmup', WARMUP_SIZE);
const shape = argShape();
const store = argStr('store', 'memory');
if (store !== 'memory' && store !== 'sqlite') throw new Error(`--store memory|sqlite, not ${store}`);

const State = Annotation.Root({
  ran: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
});

// Node names are only known at run time, so the builder is used through a name-agnostic view.
interface Builder {
  addNode(name: string, fn: () => Promise<{ ran: number }>): Builder;
  addEdge(from: string | string[], to: string): Builder;
  compile(opts?: { checkpointer?: SqliteSaver }): {
    invoke(
      input: { ran: number },
      config: { recursionLimit: number; configurable: { thread_id: string } },
    ): Promise<{ ran: number }>;
  };
}

let clock = new TaskClock(1);
let dir: string | null = null;

async function run(dag: Dag, threadId: string) {
  const t0 = performance.now();
  const builder = new StateGraph(State) as unknown as Builder;
  const sinks = new Set(dag.tasks.map((t) => t.id));
  for (const t of dag.tasks) {
    const id = t.id;
    builder.addNode(id, async () => {
      clock.start(id);
      clock.result(id);
      return { ran: 1 };
    });
    for (const d of t.deps) sinks.delete(d);
  }
  for (const t of dag.tasks) {
    if (t.deps.length === 0) builder.addEdge(START, t.id);
    else builder.addEdge(t.deps.length === 1 ? t.deps[0]! : t.deps, t.id);
  }
  for (const id of sinks) builder.addEdge(id, END);
  let checkpointer: SqliteSaver | undefined;
  if (store === 'sqlite') {
    dir ??= mkdtempSync(join(tmpdir(), 'langgraph-bench-'));
    checkpointer = SqliteSaver.fromConnString(join(dir, `${threadId}.db`));
  }
  const graph = builder.compile(checkpointer ? { checkpointer } : {});
  const setupMs = performance.now() - t0;
  clock = new TaskClock(dag.tasks.length);
  const ticker = setInterval(() => progress(clock.ran), 5000);
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const out = await graph.invoke(
    { ran: 0 },
    { recursionLimit: dag.layers + 100, configurable: { thread_id: threadId } },
  );
  const wallMs = performance.now() - start;
  clearInterval(ticker);
  return { setupMs, cpuMs: cpuMsSince(cpu0), wallMs, counted: out.ran, clock };
}

try {
  if (warmup > 0) await run(benchDag(shape, warmup), 'warmup');
  const dag = benchDag(shape, size);
  const r = await medianRun((i) => run(dag, `bench-${i}`));
  emitMeasured(
    {
      system: `langgraph-${store}`,
      shape,
      size,
      ok: r.counted === size && r.clock.ran === size,
      note: `state.ran = ${r.counted}`,
    },
    r.clock,
    dag,
    r,
  );
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
