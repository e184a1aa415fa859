/**
 * The workers wing's second front door: what `baton worker` runs (the worker process, `remote/`).
 * Only the CLI's worker command imports it, so an app or `baton serve` does not load the worker's
 * side (~200 KB of code with its WebSocket client) it never runs.
 */
export { linkTo } from './remote/server-link.ts';
export { WorkSignal } from './remote/work-signal.ts';
export { Worker } from './remote/worker.ts';
export { readWorkspaces } from './remote/workspaces-file.ts';
