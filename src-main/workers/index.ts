/**
 * The workers wing's front door for the server's side: what the core (the app, the hosts) uses of
 * it. `baton worker` comes in by its own, `remote/index.ts`. Nothing outside `workers/` imports a
 * file inside it but these two.
 */
export type { WorkerBinding, WorkerTokenVerdict } from './tokens.ts';
export { boundElsewhere } from './tokens.ts';
export type { Workers } from './workers.ts';
export { createWorkers } from './workers.ts';
