/**
 * V8 flags every process that runs the engine starts with: the CLI (`baton run|serve|start`,
 * its npm scripts and shebang), the Electron main process `baton start` launches, and the
 * bench's workers (see `npm run bench`).
 * - `--max-semi-space-size=16`: V8 grows the young generation to 64 MB semi-spaces (128 MB
 *   resident) as a big run's state accumulates; 16 MB (V8's long-time default) keeps a
 *   100,000-task run about 65 MB smaller at the same speed.
 * - `--heap-growing-percent=200`: the old generation may grow to 3× what the last full GC kept
 *   before the next one. V8's own factor (up to 4×) let a 100,000-task run's garbage reach
 *   ~500 MB resident; with 3× it peaks ~80 MB lower at the same tasks/s. Smaller factors (1.3×,
 *   1.6×) save as much memory but bring a full GC (~9 ms) into a 10,000-task run's first layers.
 */
export const ENGINE_V8_FLAGS = ['--max-semi-space-size=16', '--heap-growing-percent=200'] as const;
