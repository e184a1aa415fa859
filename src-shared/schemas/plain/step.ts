/**
 * What the sandbox kept a process from doing, without zod: the first screen's step trace reads it,
 * and zod loads only with a form or a check.
 */

/**
 * What the OS sandbox (or Baton's own check around it) kept a process from doing: connecting to a
 * host or a Unix socket, writing, reading, running a command (an ACP agent's terminal outside its
 * worktree).
 */
export const SANDBOX_BLOCKS = ['network', 'write', 'read', 'run'] as const;
export type SandboxBlock = (typeof SANDBOX_BLOCKS)[number];
