// `baton serve` start-up: the process spawned → its "Baton is serving …?token=…" line, as `npm run
// serve` starts it. One unmeasured start first on a new temp data dir (its migrations run and
// Node's compile cache is filled, as at a person's first launch), then `--starts` (5) measured
// ones on the same data dir; prints each and the median. It asserts nothing.
// Usage: node test/bench/serve-start-worker.ts [--starts 5] [--cpu-prof DIR] [--baton DIR]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argInt, argStr } from './measure.ts';
import { spawnServe } from './serve-spawn.ts';

export interface ServeStartFigures {
  /** Each measured start, ms, in the order taken. */
  startsMs: number[];
  medianMs: number;
  /**
   * CPU time the serve process had used when its line arrived (user + system, /proc, 10 ms
   * steps), median: steadier than the wall time while other processes share the cores. Null
   * where there is no /proc.
   */
  cpuMedianMs: number | null;
}

export const SERVE_START_PREFIX = 'SERVE_START_RESULT';

/** The Baton checkout whose `baton serve` runs: this one, or `--baton DIR` (another commit's worktree, for paired runs). */
const root = argStr('baton', join(import.meta.dirname, '..', '..'));

/** CPU ms a process has used so far (proc(5): utime + stime, clock ticks of 10 ms), or null. */
function cpuOf(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/** One start: spawned → the URL line; the process is stopped after. */
async function startOnce(
  dataDir: string,
  nodeFlags: string[],
): Promise<{ ms: number; cpuMs: number | null }> {
  const t0 = performance.now();
  const child = spawnServe(root, dataDir, nodeFlags);
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  try {
    return await new Promise((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        if (/Baton is serving http:\/\/\S+\?token=\S+/.test(out))
          resolve({ ms: performance.now() - t0, cpuMs: cpuOf(child.pid) });
      });
      child.once('exit', (code) => reject(new Error(`baton serve exited with ${code}:\n${out}\n${err}`)));
    });
  } finally {
    await new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => {
        clearTimeout(force);
        done();
      });
      child.kill('SIGTERM');
    });
  }
}

const starts = argInt('starts', 5);
const profDir = argStr('cpu-prof', '');
const flags = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
const dataDir = mkdtempSync(join(tmpdir(), 'baton-serve-start-'));
const startsMs: number[] = [];
const cpuMs: number[] = [];
try {
  await startOnce(dataDir, flags);
  for (let i = 0; i < starts; i++) {
    const s = await startOnce(dataDir, flags);
    startsMs.push(s.ms);
    if (s.cpuMs !== null) cpuMs.push(s.cpuMs);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
const result: ServeStartFigures = {
  startsMs,
  medianMs: median(startsMs),
  cpuMedianMs: cpuMs.length === starts ? median(cpuMs) : null,
};
console.log(`${SERVE_START_PREFIX} ${JSON.stringify(result)}`);
