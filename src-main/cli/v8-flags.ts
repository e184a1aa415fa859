/**
 * V8 flags every process that runs the engine starts with: the CLI (`baton run|serve|start`,
 * its npm scripts and shebang), the Electron main process `baton start` launches, and the
 * bench's workers (see `npm run bench`).
 * - `--max-semi-space-size=16`: V8 grows the young generation to 64 MB semi-spaces (128 MB
 *   resident) as a big run's state accumulates; 16 MB (V8's long-time default) keeps a
 *   100,000-task run about 65 MB smaller at the same speed.
 * - `--heap-growing-percent=100`: the old generation may grow to 2× what the last full GC kept
 *   before the next one. V8's own factor (up to 4×) let a 100,000-task run's garbage reach
 *   ~500 MB resident. 2.5× (2026-11-23 to 11-30) kept most such runs near 400 MB, but one in four
 *   to six peaked at 485–540: a full GC that fell late in the plan's import, while the client's
 *   plan, its parsed copy and the import's checks were all alive, kept ~108 MB instead of ~83,
 *   and 2.5× that held for the whole run. With 2× the same fall costs ~50 MB less (twelve
 *   alternating 100,000-task runs on 2026-11-30: 358–414 MB against 384–491, three of them over
 *   480); twelve alternating 10,000-task runs: the same tasks/s and CPU in the run (medians 970
 *   vs 1,034 ms of CPU), the whole process ~5 % more CPU (the import's full GCs). 3× had peaked
 *   at 442–453 MB.
 */
export const ENGINE_V8_FLAGS = ['--max-semi-space-size=16', '--heap-growing-percent=100'] as const;
