// One DBOS Transact measurement in a fresh process: the durable-execution peer. One DBOS workflow
// runs the whole DAG; every task is a checkpointed step (`DBOS.runStep`: its output is written to
// PostgreSQL before anything that depends on it starts, and a recovered workflow skips it).
// A task starts once its dependencies' steps have returned, so tasks of a layer run concurrently.
// DBOS requires a workflow to start its steps in the same order on every execution (steps are
// matched to their checkpoints by that order), so each task also waits until the task before it
// in the list has started: the start order is the DAG's topological order, run after run.
// DBOS's defaults otherwise (a pool of 10 connections); PostgreSQL's defaults, or with
// `--synchronous-commit off` (sessions commit without waiting for the WAL flush: a crash of the
// DBOS process loses nothing, an OS crash may lose the last commits, as with Baton's SQLite).
// Usage: node test/bench/peers/dbos-worker.ts --size N [--shape layers|chain] [--warmup N]
//   [--synchronous-commit on|off]
//   The system database: --pg-url URL [--pg-pid PID], else $DBOS_SYSTEM_DATABASE_URL, else a
//   throwaway cluster. With the postmaster's PID (known for a throwaway cluster), the CPU figure
//   includes the server's processes: DBOS's durable work happens there, Baton's in-process.
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { Dag, DagShape } from '../dag.ts';
import { benchDag, DAG_SHAPES, taskIndex } from '../dag.ts';
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
import { type PgCluster, serverCpuMs, startPgCluster } from '../postgres.ts';

const size = argInt('size', 1000);
const shape = argShape();
const warmup = argInt('warmup', WARMUP_SIZE);
const synchronousCommit = argStr('synchronous-commit', 'on');
if (synchronousCommit !== 'on' && synchronousCommit !== 'off')
  throw new Error(`--synchronous-commit on|off, not ${synchronousCommit}`);

let cluster: PgCluster | null = null;
let url = argStr('pg-url', process.env.DBOS_SYSTEM_DATABASE_URL ?? '');
let serverPid = argInt('pg-pid', 0);
if (url === '') {
  const started = startPgCluster();
  if (typeof started === 'string') throw new Error(`DBOS needs PostgreSQL: ${started}`);
  cluster = started;
  url = started.url('dbos_bench');
  serverPid = started.pid;
}
const serverCpu = () => (serverPid > 0 ? serverCpuMs(serverPid) : null);
if (synchronousCommit === 'off')
  url += `${url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c synchronous_commit=off')}`;

let clock = new TaskClock(1);
// Built before the timed run; the workflow looks its DAG up by (shape, size), which is
// deterministic, so its arguments stay two small serializable values.
const dags = new Map<string, Dag>();
const dagKey = (s: DagShape, n: number) => `${s}:${n}`;

interface EchoOutput {
  task_id: string;
  received_from: string[];
}

async function runDagWorkflow(s: string, n: number): Promise<number> {
  const found = DAG_SHAPES.find((x) => x === s);
  const dag = found ? dags.get(dagKey(found, n)) : undefined;
  if (!dag) throw new Error(`no DAG ${s}:${n} was prepared`);
  const done: Promise<EchoOutput>[] = new Array(dag.tasks.length);
  let previousStarted: Promise<void> = Promise.resolve();
  for (const t of dag.tasks) {
    const id = t.id;
    let started!: () => void;
    const thisStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const ready = Promise.all([previousStarted, ...t.deps.map((d) => done[taskIndex(d)]!)]);
    done[taskIndex(id)] = ready.then(() => {
      // runStep takes its step number synchronously, before its first await.
      const step = DBOS.runStep(
        async (): Promise<EchoOutput> => {
          clock.start(id);
          const out = { task_id: id, received_from: t.deps };
          clock.result(id);
          return out;
        },
        { name: id },
      );
      started();
      return step;
    });
    previousStarted = thisStarted;
  }
  const outputs = await Promise.all(done);
  return outputs.length;
}

const runDag = DBOS.registerWorkflow(runDagWorkflow, { name: 'runDag' });

async function run(dag: Dag, s: DagShape) {
  const t0 = performance.now();
  dags.set(dagKey(s, dag.tasks.length), dag);
  const setupMs = performance.now() - t0;
  clock = new TaskClock(dag.tasks.length);
  const ticker = setInterval(() => progress(clock.ran), 5000);
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const server0 = serverCpu();
  const counted = await runDag(s, dag.tasks.length);
  const wallMs = performance.now() - start;
  const server1 = serverCpu();
  clearInterval(ticker);
  const serverMs = server0 !== null && server1 !== null ? server1 - server0 : null;
  return { setupMs, cpuMs: cpuMsSince(cpu0) + (serverMs ?? 0), serverMs, wallMs, counted, clock };
}

let launched = false;
try {
  DBOS.setConfig({
    name: 'baton-bench',
    systemDatabaseUrl: url,
    logLevel: 'warn',
    applicationVersion: 'bench',
  });
  await DBOS.launch();
  launched = true;
  if (warmup > 0) await run(benchDag(shape, warmup), shape);
  const dag = benchDag(shape, size);
  const r = await medianRun(() => run(dag, shape));
  emitMeasured(
    {
      system: synchronousCommit === 'on' ? 'dbos' : 'dbos-async-commit',
      shape,
      size,
      ok: r.counted === size && r.clock.ran === size,
      note:
        `${r.counted} steps checkpointed; ` +
        (r.serverMs === null
          ? 'CPU: this process only'
          : `CPU includes ${Math.round(r.serverMs)} ms of the server's`),
    },
    r.clock,
    dag,
    r,
  );
} finally {
  if (launched) await DBOS.shutdown();
  cluster?.stop();
}
