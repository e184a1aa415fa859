// Shared by every worker: timing of task starts and results, hand-off latency, the result line.
import { readFileSync } from 'node:fs';
import type { Dag, DagShape } from './dag.ts';
import { DAG_SHAPES, taskIndex } from './dag.ts';

/** What a worker prints as its last stdout line (prefixed with RESULT_PREFIX). */
export interface WorkerResult {
  system: string;
  shape: DagShape;
  size: number;
  ok: boolean;
  /** Tasks whose work function actually ran (in the reported run). */
  ran: number;
  /** How many runs were made; the one with the median wall time is reported. */
  runs: number;
  wallMs: number;
  setupMs: number;
  /** CPU time (user + system, all threads) the measured run took: steadier than wall time on a busy machine. */
  cpuMs: number;
  tasksPerSec: number;
  handoffP50Ms: number | null;
  handoffP99Ms: number | null;
  /** From the first task's start to the last result (a chain's "ms per task" is this ÷ size). */
  spanMs: number | null;
  maxRssMB: number;
  note?: string;
  /**
   * The store's floor only: Baton's own run of the same DAG, measured alike in the same process
   * (after the same recorded run, a fresh store each, in turn with the replays), median.
   */
  pairedWallMs?: number;
}

export const RESULT_PREFIX = 'BENCH_RESULT ';

/** Records when each task's work starts and when it yields its result. */
export class TaskClock {
  readonly starts: Float64Array;
  readonly results: Float64Array;
  ran = 0;

  constructor(size: number) {
    this.starts = new Float64Array(size).fill(Number.NaN);
    this.results = new Float64Array(size).fill(Number.NaN);
  }

  start(id: string): void {
    const i = taskIndex(id);
    if (Number.isNaN(this.starts[i]!)) this.ran++;
    this.starts[i] = performance.now();
  }

  result(id: string): void {
    this.results[taskIndex(id)] = performance.now();
  }

  /** Hand-off latency of a task: its start − the latest result among its dependencies. */
  handoff(dag: Dag): { p50: number | null; p99: number | null } {
    const lat: number[] = [];
    for (const t of dag.tasks) {
      if (t.deps.length === 0) continue;
      let last = Number.NEGATIVE_INFINITY;
      for (const d of t.deps) last = Math.max(last, this.results[taskIndex(d)]!);
      const s = this.starts[taskIndex(t.id)]!;
      if (Number.isFinite(last) && Number.isFinite(s)) lat.push(s - last);
    }
    lat.sort((a, b) => a - b);
    return { p50: percentile(lat, 0.5), p99: percentile(lat, 0.99) };
  }

  /** From the earliest start to the latest result, or null when no task ran. */
  span(): number | null {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const s of this.starts) if (s < first) first = s;
    for (const r of this.results) if (r > last) last = r;
    return Number.isFinite(first) && Number.isFinite(last) ? last - first : null;
  }
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/**
 * CPU ms this process and every child it has waited for used so far (Linux: /proc/self/stat's
 * utime, stime, cutime and cstime, in clock ticks of 10 ms), or null where there is no /proc. A
 * child's figure counts its own waited-for children too (a sandbox's programs), once reaped.
 */
export function cpuWithChildrenMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14–17 of proc(5): utime, stime, cutime, cstime; f[0] is field 3.
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0) * 10;
  } catch {
    return null;
  }
}

export function maxRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function emit(r: WorkerResult): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(r)}\n`);
}

/** Progress for the parent (stderr, one JSON line), so a run that times out can say how far it got. */
export function progress(done: number): void {
  process.stderr.write(`BENCH_PROGRESS ${done}\n`);
}

export function argInt(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export function argStr(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** `--shape layers|chain` (default layers). */
export function argShape(): DagShape {
  const s = argStr('shape', 'layers');
  const shape = DAG_SHAPES.find((x) => x === s);
  if (!shape) throw new Error(`--shape must be one of ${DAG_SHAPES.join(', ')}, not ${s}`);
  return shape;
}

/**
 * Runs a measurement `--runs` times (default 3) while the runs so far took under 10 s, and
 * returns the run with the median wall time: one short run on a shared machine is noise.
 * `maxRssMB` is the process's peak as the last run ended (warm-up included): what the bench
 * does afterwards to make its figures (the DAG again, the hand-off latencies sorted) is not the
 * system's and does not count.
 */
export async function medianRun<R extends { wallMs: number }>(
  once: (i: number) => Promise<R>,
): Promise<R & { runs: number; maxRssMB: number }> {
  const want = argInt('runs', 3);
  const results: R[] = [];
  let spent = 0;
  while (results.length < want && (results.length === 0 || spent < 10_000)) {
    const r = await once(results.length);
    spent += r.wallMs;
    results.push(r);
  }
  const peak = maxRssMB();
  results.sort((a, b) => a.wallMs - b.wallMs);
  return { ...results[(results.length - 1) >> 1]!, runs: results.length, maxRssMB: peak };
}

/** Size of the warm-up DAG run in the same process before the measured one (0 = none). */
export const WARMUP_SIZE = 500;

/** Emits a measurement: tasks/s, hand-off percentiles and peak RSS derived the same way for every system. */
export function emitMeasured(
  m: { system: string; shape: DagShape; size: number; ok: boolean; note?: string },
  clock: TaskClock,
  dag: Dag,
  r: { wallMs: number; setupMs: number; cpuMs: number; runs?: number; maxRssMB?: number },
): void {
  const h = clock.handoff(dag);
  emit({
    ...m,
    runs: r.runs ?? 1,
    ran: clock.ran,
    wallMs: r.wallMs,
    setupMs: r.setupMs,
    cpuMs: r.cpuMs,
    tasksPerSec: m.size / (r.wallMs / 1000),
    handoffP50Ms: h.p50,
    handoffP99Ms: h.p99,
    spanMs: clock.span(),
    maxRssMB: r.maxRssMB ?? maxRssMB(),
  });
}
