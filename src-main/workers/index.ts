/**
 * The workers wing's front door: what the core (the app, the hosts, the CLI) uses of it. Nothing
 * outside `workers/` imports a file inside it but this one.
 */
export { linkTo } from './remote/server-link.ts';
export { WorkSignal } from './remote/work-signal.ts';
export { Worker } from './remote/worker.ts';
export { readWorkspaces } from './remote/workspaces-file.ts';
export type { WorkerBinding, WorkerTokenVerdict } from './tokens.ts';
export { boundElsewhere } from './tokens.ts';
export type { Workers } from './workers.ts';
export { createWorkers } from './workers.ts';
