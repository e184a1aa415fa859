// The store's floor: how long SQLite takes to write what one Baton run writes, with no engine.
// One run of the bench DAG is made (not measured) while every repository call that changes the
// database is recorded with its arguments and the transaction it was in; the recording is then
// replayed, transaction by transaction and through the same repository code, into fresh stores.
// The replay's wall time is the part of a run no engine change can take away while the same rows
// are written on the engine's thread: size ÷ replay time is the ceiling on tasks/s.
// Usage: node test/bench/store-floor-worker.ts --size N [--shape layers|chain] [--runs N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import type { WireResult } from '../../src-shared/contract/errors.ts';
import type { BuildResponse } from '../../src-shared/schemas/run.ts';
import { benchDag } from './dag.ts';
import { argInt, argShape, cpuMsSince, emit } from './measure.ts';

const size = argInt('size', 10_000);
const runs = argInt('runs', 3);
const shape = argShape();

type App = ReturnType<typeof createApp>;
/** The app's store: the core's repositories and the coding wing's. */
type Store = App['store'];
type Repo = Record<string, unknown>;
/** One recorded call: replays it on another store (`tasks` maps the first run's task objects to the replay's). */
type Op = (store: Store, tasks: Map<object, object>) => void;

/** Methods that carry a transaction's writes rather than make them (`steps.deferred`, `steps.flush`). */
const PLUMBING = new Set(['deferred', 'flush']);

/** The repositories whose writes are recorded (every one the engine writes through). */
const REPOS = ['runs', 'memory', 'execution', 'approvals', 'steps', 'sessions', 'toolCalls'] as const;

function must(r: WireResult, what: string): unknown {
  if (!r.ok) throw new Error(`${what} failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

function newApp(writeBehind: boolean | undefined): { app: App; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-floor-'));
  return { app: createApp({ dataDir: dir, ...(writeBehind === undefined ? {} : { writeBehind }) }), dir };
}

async function prepare(app: App): Promise<void> {
  must(
    await app.dispatch('agents.import', {
      agents: [{ id: 'a1', kind: 'echo', skills: ['x'], max_concurrency: 1000 }],
    }),
    'agents.import',
  );
  const dag = benchDag(shape, size);
  const tasks = dag.tasks.map((t) => ({
    task_id: t.id,
    description: '',
    required_skills: ['x'],
    depends_on: t.deps,
  }));
  must(await app.dispatch('plans.import', { plan: { plan_id: 'floor', tasks } }), 'plans.import');
}

/** Rows inserted, updated or deleted on the connection since it opened (triggers' rows too). */
const totalChanges = (store: Store): number =>
  store.db.prepare('SELECT total_changes()').pluck().get() as number;

/** What a recorded call needs of a task: the same fields, and the same match/output objects (saveTasks compares them by identity). */
const snapshot = (t: object): object => ({ ...t });

/**
 * Records, into `txs`, every repository call of `store` that changes the database: a transaction's
 * calls together, a call outside any transaction on its own. Calls a recorded call makes are part of it.
 */
function record(store: Store, txs: Op[][], counts: Map<string, number>): () => void {
  const changes = store.db.prepare('SELECT total_changes()').pluck();
  let txDepth = 0;
  let callDepth = 0;
  let current: Op[] | null = null;
  const undo: (() => void)[] = [];
  const origTx = store.tx;
  store.tx = <T>(fn: () => T): T => {
    if (txDepth++ === 0) current = [];
    try {
      return origTx(fn);
    } finally {
      if (--txDepth === 0) {
        if (current!.length > 0) txs.push(current!);
        current = null;
      }
    }
  };
  undo.push(() => {
    store.tx = origTx;
  });
  for (const name of REPOS) {
    const repo = store[name] as unknown as Repo;
    for (const [method, fn] of Object.entries(repo)) {
      // The steps repo's transaction plumbing is not a write: the writes inside it are recorded.
      if (typeof fn !== 'function' || PLUMBING.has(method)) continue;
      const key = `${name}.${method}`;
      repo[method] = (...args: unknown[]) => {
        if (callDepth > 0) return fn(...args);
        const op = opOf(name, method, args);
        const before = changes.get();
        callDepth++;
        try {
          return fn(...args);
        } finally {
          callDepth--;
          if (changes.get() !== before) {
            counts.set(key, (counts.get(key) ?? 0) + 1);
            if (current) current.push(op);
            else txs.push([op]);
          }
        }
      };
      undo.push(() => {
        repo[method] = fn;
      });
    }
  }
  return () => {
    for (const u of undo) u();
  };
}

/** A call as it can be made again: its arguments as they were at the call. */
function opOf(repo: string, method: string, args: unknown[]): Op {
  if (repo === 'runs' && method === 'insertRun') {
    const [run, tasks] = args as [object, object[]];
    const copy = structuredClone(run);
    const rows = tasks.map((t) => [t, snapshot(t)] as const);
    return (store, map) => {
      const mine = rows.map(([t, s]) => {
        const m = { ...s };
        map.set(t, m);
        return m;
      });
      (store.runs.insertRun as (...a: unknown[]) => void)(copy, mine);
    };
  }
  if (repo === 'runs' && method === 'saveTasks') {
    const [tasks, changedJson] = args as [Iterable<object>, ReadonlySet<object>];
    const rows = [...tasks].map((t) => [t, snapshot(t), changedJson.has(t)] as const);
    return (store, map) => {
      const mine: object[] = [];
      const json = new Set<object>();
      for (const [t, s, changed] of rows) {
        const m = map.get(t) ?? { ...s };
        map.set(t, Object.assign(m, s));
        mine.push(m);
        if (changed) json.add(m);
      }
      (store.runs.saveTasks as (...a: unknown[]) => void)(mine, json);
    };
  }
  const copy = structuredClone(args);
  return (store) => {
    ((store[repo as (typeof REPOS)[number]] as unknown as Repo)[method] as (...a: unknown[]) => void)(
      ...copy,
    );
  };
}

/** `fn` on a new app over a temp folder, the bench plan imported; the app closed and its folder removed after. */
async function inFreshStore<T>(fn: (app: App) => Promise<T>, writeBehind?: boolean): Promise<T> {
  const { app, dir } = newApp(writeBehind);
  try {
    await prepare(app);
    return await fn(app);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a run of the bench plan and waits for its end; throws unless it completed (`what` names the run). */
async function runToEnd(app: App, what: string): Promise<void> {
  const { run_id } = must(
    await app.dispatch('runs.start', { plan_id: 'floor' }),
    'runs.start',
  ) as BuildResponse;
  const settled = await app.engine.whenSettled(run_id);
  if (settled.status !== 'completed') throw new Error(`${what} ended ${settled.status}`);
}

/** The recording replayed into a fresh store, transaction by transaction: its wall and CPU time. */
function replay(txs: Op[][], rowsWritten: number): Promise<{ wallMs: number; cpuMs: number }> {
  return inFreshStore(async (app) => {
    const map = new Map<object, object>();
    const changes0 = totalChanges(app.store);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const ops of txs)
      app.store.tx(() => {
        for (const op of ops) op(app.store, map);
      });
    const measured = { wallMs: performance.now() - t0, cpuMs: cpuMsSince(cpu0) };
    // The replay must write what the run wrote, or its time is not the run's floor.
    const replayed = totalChanges(app.store) - changes0;
    if (replayed !== rowsWritten)
      throw new Error(
        `the replay changed ${replayed} rows, the run ${rowsWritten}: a write was not recorded`,
      );
    return measured;
    // The floor: every write on the one connection.
  }, false);
}

/** Baton's run of the same DAG in a fresh store, from its start to its end (as baton-worker.ts measures one). */
function batonRun(): Promise<number> {
  return inFreshStore(async (app) => {
    const t0 = performance.now();
    await runToEnd(app, "Baton's run");
    return performance.now() - t0;
  });
}

async function main(): Promise<void> {
  const txs: Op[][] = [];
  const counts = new Map<string, number>();
  const rowsWritten = await inFreshStore(async (app) => {
    const changes0 = totalChanges(app.store);
    const stop = record(app.store, txs, counts);
    try {
      await runToEnd(app, 'the recorded run');
    } finally {
      stop();
    }
    return totalChanges(app.store) - changes0;
    // Recorded with every write on the engine's connection, where they are counted.
  }, false);
  const planTasks = size;

  const results: { wallMs: number; cpuMs: number }[] = [];
  const batonMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Baton's own run of the same DAG, measured alike beside each replay (in turn first and
    // second): in this process, after the recorded run, in a fresh store.
    if (i % 2 === 1) results.push(await replay(txs, rowsWritten));
    batonMs.push(await batonRun());
    if (i % 2 === 0) results.push(await replay(txs, rowsWritten));
  }
  results.sort((a, b) => a.wallMs - b.wallMs);
  const median = results[(results.length - 1) >> 1]!;
  batonMs.sort((a, b) => a - b);
  emit({
    system: 'store-floor',
    shape,
    size: planTasks,
    ok: true,
    note: `${rowsWritten} rows in ${txs.length} transactions; ${[...counts].map(([k, n]) => `${k} ×${n}`).join(', ')}`,
    runs: results.length,
    ran: planTasks,
    wallMs: median.wallMs,
    setupMs: 0,
    cpuMs: median.cpuMs,
    tasksPerSec: planTasks / (median.wallMs / 1000),
    handoffP50Ms: null,
    handoffP99Ms: null,
    spanMs: median.wallMs,
    maxRssMB: 0,
    pairedWallMs: batonMs[(batonMs.length - 1) >> 1]!,
  });
}

await main();
