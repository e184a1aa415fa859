// What the parent watch (src-main/processes/parent-watch.ts) adds to starting an attempt's
// program: `spawnTree` tells it of every tree, synchronously, around the program's spawn. The
// first tree of a process starts the watcher (a spawn of Node); each later one writes a line to
// its pipe before the spawn and one after, and another when the tree is over. Measured on a
// watch of its own (a fresh `createParentWatch`), beside `spawnTree` of `true` for scale, in a
// fresh process; also the idle watcher's memory. Asserts nothing.
// Usage: node test/bench/parent-watch-worker.ts [--trees 200]
import { readFileSync } from 'node:fs';
import { createParentWatch } from '../../src-main/processes/parent-watch.ts';
import { spawnTree } from '../../src-main/processes/process-tree.ts';
import { argInt } from './measure.ts';

export interface ParentWatchFigures {
  /** The first `watch` of a process: the watcher's spawn (ms). */
  firstWatchMs: number;
  /** Each later tree: `watch`, `started` and `over`, p50 and p99 (µs). */
  perTreeP50Us: number;
  perTreeP99Us: number;
  /** `spawnTree` of `true` until it is stopped, p50 (ms): what an attempt's spawn costs anyway. */
  spawnTreeP50Ms: number;
  /** The idle watcher's resident set, and its proportional share (shared pages split among the processes mapping them: Node's own code), MB; null where /proc is missing. */
  watcherRssMB: number | null;
  watcherPssMB: number | null;
}

const TREES = argInt('trees', 200);
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

// A real program's tree for scale (its own watch is the shared one, started here first).
const spawns: number[] = [];
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  const tree = spawnTree('true', [], {
    env: { PATH: process.env.PATH ?? '' },
    graceMs: 1_000,
    stdio: 'ignore',
  });
  await new Promise((r) => tree.child.once('close', r));
  await tree.stop();
  if (i > 0) spawns.push(performance.now() - t0);
}

const watch = createParentWatch();
let t0 = performance.now();
const first = watch.watch('attempt/bench/t/1');
const firstWatchMs = performance.now() - t0;
first.over();
const pairs: number[] = [];
for (let i = 0; i < TREES; i++) {
  t0 = performance.now();
  // Pids no process has (pid_max is at most 2^22): nothing real is named.
  const tree = watch.watch(`attempt/bench/t${i}/1`);
  tree.started(5_000_000 + i, null);
  tree.over();
  pairs.push((performance.now() - t0) * 1000);
}
// Idle: its pipe read, its heap settled.
await new Promise((r) => setTimeout(r, 500));
const memory = (field: string): number | null => {
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${watch.pid}/smaps_rollup`, 'utf8'),
    )?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null; // no /proc here
  }
};

const figures: ParentWatchFigures = {
  firstWatchMs,
  perTreeP50Us: q(pairs, 0.5),
  perTreeP99Us: q(pairs, 0.99),
  spawnTreeP50Ms: q(spawns, 0.5),
  watcherRssMB: memory('Rss'),
  watcherPssMB: memory('Pss'),
};
console.log(`PARENT_WATCH_RESULT ${JSON.stringify(figures)}`);
