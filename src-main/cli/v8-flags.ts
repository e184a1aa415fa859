/**
 * V8 flags every process that runs the engine starts with: the CLI (`baton run|serve|start`,
 * its npm scripts and shebang), the Electron main process `baton start` launches, and the
 * bench's workers. V8 grows the young generation to 64 MB semi-spaces (128 MB resident) as a
 * big run's state accumulates; 16 MB (V8's long-time default) keeps a 100,000-task run about
 * 65 MB smaller at the same speed (see `npm run bench`).
 */
export const ENGINE_V8_FLAGS = ['--max-semi-space-size=16'] as const;
