// The coding agent's only door: what the app, the hosts, the MCP server and the remote worker
// use of it. Everything else in this folder is its own.

export type { AttemptIdentity, AttemptLink, AttemptLinks } from './attempt/attempt-links.ts';
export { createAttemptLinks } from './attempt/attempt-links.ts';
export { DIFF_ARTIFACT } from './attempt/worktree.ts';
export { cliWritePreview } from './attempt/write-preview.ts';
export { handedBestOf } from './best-of/handed-in.ts';
export type { CodingExecutorOptions } from './executor.ts';
export { workspaceHandlers, worktreeHandlers } from './handlers/at-first-call.ts';
export { checkpointHandlers } from './handlers/checkpoints.ts';
export { codingRunHandlers } from './handlers/coding-runs.ts';
export type { CodingHandlersContext } from './handlers/context.ts';
export { keptWorkHandlers } from './handlers/kept-work.ts';
export { landingHandlers } from './handlers/landing.ts';
export { missingWorkspaceIssues } from './handlers/workspace-health.ts';
export { workspaceIssues } from './handlers/workspace-refs.ts';
export type { CodingHost, CodingKind, CodingKindOptions } from './kind.ts';
export { codingKind, createCodingKind } from './kind.ts';
export type { Lander, LandingDeps } from './landing/lander.ts';
export { createLander } from './landing/lander.ts';
export type { CodingStore } from './repos/coding-store.ts';
export { codingStore } from './repos/coding-store.ts';
export { WorkerWorkspaces } from './repos/worker-workspaces.ts';
export { needsWorkspace, taskBranch, workspaceMoved } from './sessions/context.ts';
export { DEFAULT_PRICES, DEFAULT_PRICES_FROM, pricesWith } from './streams/prices.ts';
export { diffCommits, inspectRepository, removeWorktree } from './workspaces/index.ts';
export type { WorktreeHandlersOptions } from './worktrees/handlers.ts';
