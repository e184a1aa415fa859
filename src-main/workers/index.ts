/**
 * The workers wing's front door: what the core (the app, the hosts) uses of it. Nothing outside
 * `workers/` imports a file inside it but this one, and `worker-process.ts` (the worker process,
 * for `baton worker` alone).
 */
export type { WorkerBinding, WorkerTokenVerdict } from './tokens.ts';
export { boundElsewhere } from './tokens.ts';
export type { Workers } from './workers.ts';
export { createWorkers } from './workers.ts';
