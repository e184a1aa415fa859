/**
 * 017: what a `diff_review` approval showed, beside the approval row: the attempt whose diff it
 * was, its workspace, branch, start commit and the commit reviewed. The task's output moves on
 * with its next attempt; this is how a later review shows what changed since this one (the
 * diff between the two commits). Reviews asked before this migration have no row here.
 */
export const up = `
CREATE TABLE diff_review_attempts (
  approval_id TEXT PRIMARY KEY REFERENCES approvals(id) ON DELETE CASCADE,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  workspace_id TEXT NOT NULL,
  branch TEXT NOT NULL,
  start_commit TEXT NOT NULL,
  commit_id TEXT NOT NULL
) STRICT;
CREATE INDEX diff_review_attempts_task ON diff_review_attempts(run_id, task_id);
`;
