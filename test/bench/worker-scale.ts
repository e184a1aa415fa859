// Remote workers at scale: a Baton server in this process (createApp + the browser host with its
// REST routes and work signal, as `baton serve` composes them) and `baton worker` processes on
// this machine, echo agents. Measures independent tasks with 1, 2 and 4 workers beside the same
// agent on the server, a chain's hand-off through one worker, the server's CPU per task, and how
// soon the tasks of a SIGKILLed worker are queued again after its last heartbeat.
// Usage: node test/bench/worker-scale.ts [--tasks 2000] [--chain 200] [--workers 1,2,4]
//   [--slots 8] [--runs 5] [--hold 4]; prints one `WORKER_SCALE_RESULT {json}` line.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import { engineEnv } from '../../src-main/base/engine-env.ts';
import { ENGINE_V8_FLAGS } from '../../src-main/cli/v8-flags.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { WireResult } from '../../src-shared/contract/errors.ts';
import type { BuildResponse, RunDetail } from '../../src-shared/schemas/run.ts';
import type { WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import { argInt, argStr } from './measure.ts';

const TASKS = argInt('tasks', 2_000);
const CHAIN = argInt('chain', 200);
const COUNTS = argStr('workers', '1,2,4').split(',').map(Number);
const SLOTS = argInt('slots', 8);
const RUNS = argInt('runs', 5);
/** Tasks the killed worker holds when it is killed. */
const HOLD = argInt('hold', 4);
const CLI = join(import.meta.dirname, '..', '..', 'src-main', 'cli', 'baton.js');
const TOKEN = 'worker-scale-bench-token-0123456789abcdef';

/** One measured run: wall time, and the server's (this process's) CPU time. */
export interface RunFigure {
  tasks: number;
  wallMs: number;
  cpuMs: number;
  tasksPerSec: number;
  cpuMsPerTask: number;
}

export interface WorkerScaleFigures {
  tasks: number;
  chain: number;
  slots: number;
  load: { before: number[]; after: number[] };
  /** The echo agent on the server itself (`max_concurrency` = slots). */
  local: { independent: RunFigure; chainMsPerTask: number };
  /** N workers, one echo agent each (`max_concurrency` = slots); the chain with one worker only. */
  remote: {
    workers: number;
    independent: RunFigure;
    /** CPU the worker processes took per task (their own, summed). */
    workerCpuMsPerTask: number | null;
    chainMsPerTask: number | null;
  }[];
  /** A worker SIGKILLed holding `held` tasks: when each was queued again, and taken by another, after its last heartbeat. */
  kill: { held: number; requeuedMs: number[]; takenMs: number[]; leaseMs: number } | null;
}

const dataDir = mkdtempSync(join(tmpdir(), 'baton-worker-scale-'));
const app = createApp({ dataDir, log: () => {} });
const host = await startBrowserHost({
  dispatch: app.dispatch,
  bus: app.bus,
  rendererDir: dataDir,
  token: TOKEN,
  routes: createRestHandler(app.dispatch, { workerAgent: (id) => app.store.agents.get(id)?.worker }),
  workerTokens: app.workerTokens,
  workerSignal: app.workerPresence,
});

function must<T>(r: WireResult, what: string): T {
  if (!r.ok) throw new Error(`${what} failed: ${JSON.stringify(r.error)}`);
  return r.value as T;
}
const call = async <T>(method: string, input: unknown): Promise<T> =>
  must<T>(await app.dispatch(method, input), method);

let planNo = 0;
/** A plan of `size` echo tasks needing `skill`: independent, or a chain. */
async function runPlan(skill: string, size: number, chain: boolean): Promise<RunFigure> {
  const planId = `p${++planNo}`;
  const tasks = Array.from({ length: size }, (_, i) => ({
    task_id: `t${i}`,
    description: '',
    required_skills: [skill],
    ...(chain && i > 0 ? { depends_on: [`t${i - 1}`] } : {}),
  }));
  await call('plans.import', { plan: { plan_id: planId, tasks } });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { run_id } = await call<BuildResponse>('runs.start', { plan_id: planId });
  const settled = await app.engine.whenSettled(run_id);
  const wallMs = performance.now() - t0;
  const d = process.cpuUsage(cpu0);
  if (settled.status !== 'completed') throw new Error(`run ${run_id} ended ${settled.status}`);
  const cpuMs = (d.user + d.system) / 1000;
  return { tasks: size, wallMs, cpuMs, tasksPerSec: size / (wallMs / 1000), cpuMsPerTask: cpuMs / size };
}

interface Spawned {
  id: string;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** A `baton worker` process with these agents, its own worker token, polling slowly (the signal is the way). */
async function worker(id: string, agents: unknown[]): Promise<Spawned> {
  const made = await call<WorkerTokenCreated>('workers.tokens.create', { name: id, worker_id: id });
  const file = join(dataDir, `${id}-agents.json`);
  writeFileSync(file, JSON.stringify(agents));
  const child = spawn(
    process.execPath,
    [
      ...ENGINE_V8_FLAGS,
      CLI,
      'worker',
      '--server',
      host.url,
      '--token',
      made.secret,
      '--agents',
      file,
    ].concat(['--id', id, '--data-dir', join(dataDir, id)]),
    { stdio: ['ignore', 'ignore', 'pipe'], env: engineEnv(process.env) },
  );
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  spawned.add(child);
  void exited.then(() => spawned.delete(child));
  return { id, child, stderr: () => err, exited };
}

/** Every worker process still running: none outlives the bench, however it ends (a timeout's SIGTERM too). */
const spawned = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of spawned) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

async function until(check: () => boolean, what: string, capMs = 60_000): Promise<void> {
  const end = Date.now() + capMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Started, registered and listening to the work signal. */
async function ready(ws: Spawned[]): Promise<void> {
  for (const w of ws)
    await until(
      () => /listening for work over the WebSocket/.test(w.stderr()) || w.child.exitCode !== null,
      `worker ${w.id} to listen`,
    );
  for (const w of ws) if (w.child.exitCode !== null) throw new Error(`worker ${w.id} exited: ${w.stderr()}`);
}

async function stop(ws: Spawned[]): Promise<void> {
  for (const w of ws) w.child.kill('SIGTERM');
  await Promise.all(ws.map((w) => w.exited));
}

/** CPU ms a process has used (Linux /proc, clock ticks of 10 ms), or null. */
function cpuOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}
const cpuOfAll = (ws: Spawned[]): number | null => {
  let sum = 0;
  for (const w of ws) {
    const c = cpuOf(w.child.pid);
    if (c === null) return null;
    sum += c;
  }
  return sum;
};

const echo = (id: string, skill: string) => ({ id, kind: 'echo', skills: [skill], max_concurrency: SLOTS });

/** A worker holding `HOLD` tasks is SIGKILLed; another takes them. Times from its last heartbeat. */
async function killed(): Promise<WorkerScaleFigures['kill']> {
  const holder = await worker('wk-held', [
    {
      id: 'holder',
      kind: 'command',
      skills: ['hold'],
      command: process.execPath,
      args: ['-e', 'setTimeout(() => {}, 600000)'],
      sandbox: { mode: 'off' },
      max_concurrency: HOLD,
    },
  ]);
  await ready([holder]);
  const planId = 'held';
  await call('plans.import', {
    plan: {
      plan_id: planId,
      tasks: Array.from({ length: HOLD }, (_, i) => ({
        task_id: `h${i}`,
        description: '',
        required_skills: ['hold'],
      })),
    },
  });
  const { run_id } = await call<BuildResponse>('runs.start', { plan_id: planId });
  const held = async () =>
    (await call<RunDetail>('runs.get', { run_id })).tasks.filter(
      (t) => t.status === 'in_progress' && t.agent_id === 'holder',
    ).length;
  const end = Date.now() + 60_000;
  while ((await held()) < HOLD) {
    if (Date.now() > end) throw new Error('the holder did not take its tasks');
    await new Promise((r) => setTimeout(r, 20));
  }
  const requeued = new Map<string, number>();
  const taken = new Map<string, number>();
  const off = app.bus.subscribe((batch) => {
    const at = Date.now();
    for (const e of batch) {
      if (e.name !== 'task.updated' || e.payload.run_id !== run_id) continue;
      const t = e.payload;
      if (t.status === 'ready' && !requeued.has(t.task_id)) requeued.set(t.task_id, at);
      if (t.status === 'in_progress' && t.agent_id === 'taker' && !taken.has(t.task_id))
        taken.set(t.task_id, at);
    }
  });
  holder.child.kill('SIGKILL');
  await holder.exited;
  const lastBeat = app.engine.workers.lastSeen(holder.id) ?? Date.now();
  const taker = await worker('wk-taker', [{ ...echo('taker', 'hold'), max_concurrency: HOLD }]);
  await app.engine.whenSettled(run_id);
  off();
  await stop([taker]);
  return {
    held: HOLD,
    requeuedMs: [...requeued.values()].map((t) => t - lastBeat),
    takenMs: [...taken.values()].map((t) => t - lastBeat),
    leaseMs: app.engine.workers.leaseMs,
  };
}

/** The median by wall time. */
function median(all: RunFigure[]): RunFigure {
  const sorted = [...all].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[(sorted.length - 1) >> 1]!;
}

const before = loadavg();
let result: WorkerScaleFigures | null = null;
const sets: { n: number; skill: string; ws: Spawned[] }[] = [];
try {
  await call('agents.import', { agents: [echo('local', 'local')] });
  for (const n of COUNTS) {
    const ws: Spawned[] = [];
    for (let i = 0; i < n; i++) ws.push(await worker(`w${n}-${i}`, [echo(`w${n}-${i}-echo`, `remote${n}`)]));
    sets.push({ n, skill: `remote${n}`, ws });
  }
  await ready(sets.flatMap((s) => s.ws));
  // Warm-up: every configuration once, a tenth of the size.
  const warm = Math.max(20, Math.round(TASKS / 10));
  await runPlan('local', warm, false);
  for (const set of sets) await runPlan(set.skill, warm, false);
  // Rounds alternate the configurations, so a load that drifts (a shared machine) falls on each alike.
  const local: RunFigure[] = [];
  const remote = new Map<number, { run: RunFigure; workerCpu: number | null }[]>(COUNTS.map((n) => [n, []]));
  for (let round = 0; round < RUNS; round++) {
    local.push(await runPlan('local', TASKS, false));
    for (const set of sets) {
      const c0 = cpuOfAll(set.ws);
      const run = await runPlan(set.skill, TASKS, false);
      const c1 = cpuOfAll(set.ws);
      remote.get(set.n)!.push({ run, workerCpu: c0 === null || c1 === null ? null : (c1 - c0) / TASKS });
    }
    process.stderr.write(
      `round ${round + 1}: on the server ${Math.round(local.at(-1)!.tasksPerSec)} tasks/s; ${sets
        .map((set) => `${set.n} worker(s) ${Math.round(remote.get(set.n)!.at(-1)!.run.tasksPerSec)}`)
        .join(', ')}\n`,
    );
  }
  // The chain: on the server and through one worker, alternating.
  const one = sets.find((set) => set.n === 1);
  const chainLocal: RunFigure[] = [];
  const chainRemote: RunFigure[] = [];
  await runPlan('local', Math.max(20, CHAIN / 4), true);
  if (one) await runPlan(one.skill, Math.max(20, CHAIN / 4), true);
  for (let round = 0; round < RUNS; round++) {
    chainLocal.push(await runPlan('local', CHAIN, true));
    if (one) chainRemote.push(await runPlan(one.skill, CHAIN, true));
  }
  const byWall = (all: { run: RunFigure; workerCpu: number | null }[]) =>
    [...all].sort((a, b) => a.run.wallMs - b.run.wallMs)[(all.length - 1) >> 1]!;
  const figures: WorkerScaleFigures['remote'] = sets.map((set) => {
    const mid = byWall(remote.get(set.n)!);
    return {
      workers: set.n,
      independent: mid.run,
      workerCpuMsPerTask: mid.workerCpu,
      chainMsPerTask: set.n === 1 && chainRemote.length > 0 ? median(chainRemote).wallMs / CHAIN : null,
    };
  });
  await stop(sets.splice(0).flatMap((s) => s.ws));
  const kill = HOLD > 0 ? await killed() : null;
  result = {
    tasks: TASKS,
    chain: CHAIN,
    slots: SLOTS,
    load: { before, after: loadavg() },
    local: { independent: median(local), chainMsPerTask: median(chainLocal).wallMs / CHAIN },
    remote: figures,
    kill,
  };
} finally {
  for (const set of sets) for (const w of set.ws) w.child.kill('SIGKILL');
  await host.close();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.stdout.write(`WORKER_SCALE_RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
