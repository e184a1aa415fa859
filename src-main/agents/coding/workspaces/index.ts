// The git layer of workspaces: a coding task's attempt in its own worktree, a
// plan's DAG as a DAG of branches. See README.md beside this file.

export type { BaseMergeInput, BaseMergeStep } from './base-merge.ts';
export { baseMergeStep } from './base-merge.ts';
export type {
  DeletedTaskBranches,
  DeleteTaskBranchesInput,
  ListTaskBranchesInput,
  TaskBranch,
} from './branches.ts';
export {
  BATON_BRANCH_PREFIX,
  branchTip,
  commitMessage,
  deleteTaskBranches,
  listTaskBranches,
} from './branches.ts';
export type { CheckoutChanges, CheckoutChangesInput } from './checkout-status.ts';
export { checkoutChanges } from './checkout-status.ts';
export type { CheckpointRecord } from './checkpoints.ts';
export {
  changedPaths,
  checkpointPrefix,
  checkpointRef,
  deleteCheckpoints,
  listCheckpoints,
  restoreTree,
} from './checkpoints.ts';
export type { Author, CommitLeftoversInput, LeftoversCommitted } from './commits.ts';
export { commitLeftovers } from './commits.ts';
export type { ConflictStep, ConflictStepInput } from './conflict-worktree.ts';
export { conflictInProgress, conflictStep } from './conflict-worktree.ts';
export type { DiffCommitsInput, DiffSince, DiffSinceInput, FileChange, FileChangeStatus } from './diff.ts';
export { diffCommits, diffSince, worktreeChangesSince } from './diff.ts';
export type { WorkspaceErrorReason } from './errors.ts';
export { WorkspaceError } from './errors.ts';
export type { FileHead, FileHeadsInput } from './file-heads.ts';
export { fileHeads } from './file-heads.ts';
export type { GitFailure, GitTrace } from './git.ts';
export { GitError, traceGit } from './git.ts';
export { BATON_EMAIL, BATON_NAME } from './git-env.ts';
export type { MergeConflict, MergeStepKind } from './merge.ts';
export type { BranchesConflict, BranchesMerged, MergeBranchesInput } from './merge-branches.ts';
export { mergeBranches } from './merge-branches.ts';
export type { RegisteredRepository, RepositoryLook } from './registration.ts';
export { inspectRepository, lookAtRepository, repositoryMissing } from './registration.ts';
export type { Cancellable } from './repository.ts';
export { requireGit } from './repository.ts';
export type { AdoptedWorktree, AdoptWorktreeInput } from './worktree-adopt.ts';
export { adoptWorktree } from './worktree-adopt.ts';
export type { WorktreeDirtyInput } from './worktree-dirty.ts';
export { worktreeDirty } from './worktree-dirty.ts';
export type { ParkedWorktree, ParkWorktreeInput } from './worktree-park.ts';
export { parkWorktree } from './worktree-park.ts';
export type { ParkAllInPoolInput, ParkInPoolInput, PoolInput, PoolPark } from './worktree-pool.ts';
export {
  emptyPool,
  makeRoom,
  parkAllInPool,
  parkedWorktrees,
  parkInPool,
  parkingInto,
} from './worktree-pool.ts';
export type {
  PrunedWorktrees,
  PruneWorktreesInput,
  RemovedWorktree,
  RemoveWorktreeInput,
} from './worktree-remove.ts';
export { pruneWorktrees, removeWorktree } from './worktree-remove.ts';
export type { ResetWorktreeInput } from './worktree-reset.ts';
export { resetWorktree } from './worktree-reset.ts';
export type {
  DependencyBranch,
  PrepareConflict,
  PreparedWorktree,
  PrepareWorktreeInput,
} from './worktrees.ts';
export { prepareWorktree } from './worktrees.ts';
