/**
 * V8 flags every process that runs the engine starts with: the CLI (`baton run|serve|start`,
 * its npm scripts and shebang), the Electron main process `baton start` launches, and the
 * bench's workers (see `npm run bench`).
 * - `--max-semi-space-size=16`: V8 grows the young generation to 64 MB semi-spaces (128 MB
 *   resident) as a big run's state accumulates; 16 MB (V8's long-time default) keeps a
 *   100,000-task run about 65 MB smaller at the same speed.
 * - `--heap-growing-percent=150`: the old generation may grow to 2.5× what the last full GC kept
 *   before the next one. V8's own factor (up to 4×) let a 100,000-task run's garbage reach
 *   ~500 MB resident. With 3× a full GC ~4 s into that run (89 MB live) let the heap reach ~270
 *   MB before the next: peaks of 442–453 MB in five runs; with 2.5×, 397–405 MB, and alternating
 *   10,000-task runs gave the same tasks/s and CPU (2026-11-23, test/bench/README.md). 2× and
 *   1.5× save a little more but bring more full GCs, each a pause of 5–70 ms on a busy 2-core
 *   machine, into a 10,000-task run (hand-off p99 up).
 */
export const ENGINE_V8_FLAGS = ['--max-semi-space-size=16', '--heap-growing-percent=150'] as const;
