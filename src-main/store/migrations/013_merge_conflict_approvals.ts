/**
 * 013: what a `merge_conflict` approval asks about, beside the approval row (whose reason names
 * the files in a sentence): the attempt that asked, the worktree, which branch is merged into
 * which, and the conflicting files with how git left each (JSON `[{path, kind}]`), so the inbox
 * can show them as a list and a restart can tell whether an answer was ever heard. Approvals
 * asked before this migration have no row here and are shown by their reason.
 */
export const up = `
CREATE TABLE merge_conflict_approvals (
  approval_id TEXT PRIMARY KEY REFERENCES approvals(id) ON DELETE CASCADE,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  dir TEXT NOT NULL,
  merging TEXT NOT NULL,
  into_branch TEXT NOT NULL,
  from_branches TEXT NOT NULL,
  files TEXT NOT NULL,
  again TEXT
) STRICT;
CREATE INDEX merge_conflict_approvals_task ON merge_conflict_approvals(run_id, task_id);
`;
