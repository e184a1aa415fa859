// Remote workers' figures in `npm run bench` (worker-scale.ts): tasks/s with 1, 2 and 4
// `baton worker` processes beside the same agent on the server, the chain through a worker, the
// server's CPU per task, a SIGKILLed worker's tasks queued again; and the goals.
import { cpus } from 'node:os';
import { fmt } from './report.ts';
import type { WorkerScaleFigures } from './worker-scale.ts';

export const WORKER_GOALS = {
  /** N workers' tasks/s ≥ this × N × one worker's, until the server saturates. */
  scale: 0.8,
  /** One worker's tasks/s ≥ this × the agent on the server. */
  oneWorker: 0.5,
  chainMsPerTask: 5,
  /** The server's CPU per task through workers ≤ this × the in-process figure. */
  serverCpu: 2,
  /** A SIGKILLed worker's tasks queued again ≤ this long after its last heartbeat. */
  requeueMs: 10_000,
};

/** The server's ceiling: tasks/s with one full core at its CPU per task (one thread runs the engine). */
const ceiling = (r: { cpuMsPerTask: number }) => 1000 / r.cpuMsPerTask;

const ratio = (n: number) => `${fmt(n, 2)}×`;
const ms = (n: number) => (n < 10 ? fmt(n, 2) : fmt(n, 1));
/** The share of one core the server's process used during a run. */
const busy = (r: { cpuMs: number; wallMs: number }) => r.cpuMs / r.wallMs;

export function workerScaleTable(f: WorkerScaleFigures | null): void {
  if (!f) return void console.log('remote workers: no figure (worker-scale.ts failed)');
  const load = (l: number[]) => l.map((x) => fmt(x, 1)).join(', ');
  console.log(
    `\nRemote workers (worker-scale.ts): \`baton worker\` processes on this machine (${cpus().length} cores), echo agents with max_concurrency ${f.slots},\n` +
      `${fmt(f.tasks)} independent tasks; the configurations alternate in rounds, median by wall time (load ${load(f.load.before)} → ${load(f.load.after)})\n`,
  );
  const one = f.remote.find((r) => r.workers === 1);
  const local = f.local.independent;
  const head = `${''.padEnd(16)}${'tasks/s'.padStart(9)}${'÷ server'.padStart(10)}${'÷ N×one'.padStart(9)}${'server CPU/task'.padStart(17)}${'÷ server'.padStart(10)}${'server busy'.padStart(13)}${'worker CPU/task'.padStart(17)}${'Baton busy'.padStart(12)}`;
  console.log(head);
  console.log(
    `${'on the server'.padEnd(16)}${fmt(local.tasksPerSec).padStart(9)}${'—'.padStart(10)}${'—'.padStart(9)}${`${ms(local.cpuMsPerTask)} ms`.padStart(17)}${'—'.padStart(10)}${`${fmt(busy(local), 2)} core`.padStart(13)}${'—'.padStart(17)}${`${fmt(busy(local), 2)} core`.padStart(12)}`,
  );
  for (const r of f.remote) {
    const i = r.independent;
    const scale = one ? i.tasksPerSec / (r.workers * one.independent.tasksPerSec) : null;
    // The server's process and the workers' together, in cores.
    const all = r.workerCpuMsPerTask === null ? null : busy(i) + (r.workerCpuMsPerTask * i.tasks) / i.wallMs;
    console.log(
      `${`${r.workers} worker${r.workers === 1 ? '' : 's'}`.padEnd(16)}${fmt(i.tasksPerSec).padStart(9)}${ratio(i.tasksPerSec / local.tasksPerSec).padStart(10)}${(scale === null ? '—' : ratio(scale)).padStart(9)}${`${ms(i.cpuMsPerTask)} ms`.padStart(17)}${ratio(i.cpuMsPerTask / local.cpuMsPerTask).padStart(10)}${`${fmt(busy(i), 2)} core`.padStart(13)}${(r.workerCpuMsPerTask === null ? '—' : `${ms(r.workerCpuMsPerTask)} ms`).padStart(17)}${(all === null ? '—' : `${fmt(all, 2)} core`).padStart(12)}`,
    );
  }
  console.log(
    `server ceiling (one core at its CPU per task): ${f.remote.map((r) => `${r.workers}: ${fmt(ceiling(r.independent))} tasks/s`).join(', ')}; ` +
      `the machine's load ${fmt(f.load.before[0]!, 1)} on ${cpus().length} cores${f.load.before[0]! > cpus().length ? ' (oversubscribed: Baton got what the other processes left)' : ''}`,
  );
  const chain = one?.chainMsPerTask;
  console.log(
    `\nchain of ${fmt(f.chain)} echo tasks, ms per task (runs.start → settled): on the server ${ms(f.local.chainMsPerTask)}, through one worker ${chain == null ? '—' : ms(chain)}`,
  );
  if (f.kill) {
    const k = f.kill;
    const span = (xs: number[]) =>
      xs.length === 0 ? '—' : `${fmt(Math.min(...xs) / 1000, 1)}–${fmt(Math.max(...xs) / 1000, 1)} s`;
    console.log(
      `a worker SIGKILLed holding ${k.held} tasks (lease ${fmt(k.leaseMs / 1000, 1)} s): queued again ${span(k.requeuedMs)} after its last heartbeat, taken by another worker ${span(k.takenMs)}`,
    );
  }
}

export function workerScaleGoals(f: WorkerScaleFigures | null): void {
  if (!f) return void console.log('remote workers: no figure');
  const mark = (met: boolean) => (met ? 'met' : 'NOT met');
  const local = f.local.independent;
  const one = f.remote.find((r) => r.workers === 1);
  if (one) {
    // Until the server saturates: N workers are held to N × one worker's, or to the server's
    // ceiling (one core at its CPU per task) when that is lower.
    const scaled = f.remote
      .filter((r) => r.workers > 1)
      .map((r) => {
        const linear = r.workers * one.independent.tasksPerSec;
        const cap = ceiling(r.independent);
        return {
          n: r.workers,
          s: r.independent.tasksPerSec / Math.min(linear, cap),
          saturated: cap < linear,
          cap,
        };
      });
    const where = scaled.find((x) => x.saturated);
    console.log(
      `workers scale            goal N ≥ ${WORKER_GOALS.scale} × N × one worker (or × the server's ceiling, if lower)   measured ${scaled.map((x) => `${x.n}: ${ratio(x.s)}`).join(', ')}` +
        `${where ? ` (the server saturates from ${where.n} workers, near ${fmt(where.cap)} tasks/s)` : ''}   ${mark(scaled.every((x) => x.s >= WORKER_GOALS.scale))}`,
    );
    const o = one.independent.tasksPerSec / local.tasksPerSec;
    console.log(
      `one worker               goal ≥ ${WORKER_GOALS.oneWorker} × the agent on the server   measured ${ratio(o)} (${fmt(one.independent.tasksPerSec)} ÷ ${fmt(local.tasksPerSec)} tasks/s)   ${mark(o >= WORKER_GOALS.oneWorker)}`,
    );
    const chain = one.chainMsPerTask;
    if (chain !== null)
      console.log(
        `chain through a worker   goal ≤ ${WORKER_GOALS.chainMsPerTask} ms per task              measured ${ms(chain)} ms   ${mark(chain <= WORKER_GOALS.chainMsPerTask)}`,
      );
  }
  const worst = Math.max(...f.remote.map((r) => r.independent.cpuMsPerTask / local.cpuMsPerTask));
  console.log(
    `server CPU per task      goal ≤ ${WORKER_GOALS.serverCpu}× the agent on the server         measured ${ratio(worst)} (the most of 1, 2, 4 workers)   ${mark(worst <= WORKER_GOALS.serverCpu)}`,
  );
  if (f.kill && f.kill.requeuedMs.length > 0) {
    const most = Math.max(...f.kill.requeuedMs);
    console.log(
      `requeue after a kill     goal ≤ ${WORKER_GOALS.requeueMs / 1000} s after the last heartbeat       measured ${fmt(most / 1000, 1)} s (the last of ${f.kill.held})   ${mark(most <= WORKER_GOALS.requeueMs && f.kill.requeuedMs.length === f.kill.held)}`,
    );
  }
}
