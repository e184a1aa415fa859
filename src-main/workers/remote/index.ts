/**
 * The workers wing's door for `baton worker` (the machine that runs agents for a server): what
 * the CLI's worker command uses. The server's side has its own, `../index.ts`, so a host does not
 * load the worker's client (its WebSocket, its task folders) at start.
 */
export { linkTo } from './server-link.ts';
export { WorkSignal } from './work-signal.ts';
export { Worker } from './worker.ts';
export { readWorkspaces } from './workspaces-file.ts';
