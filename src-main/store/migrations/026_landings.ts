/**
 * 024: `landings`: each branch a run landed (pushed to its workspace's remote, perhaps with a pull
 * request): the task (empty for the run's merged branch), what was pushed, the pull request's
 * number, address and state, the merge commit, why it failed, and when it is polled next (the
 * following goes on after a restart).
 */
export const up = `
CREATE TABLE landings (
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  branch TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  pushed_commit TEXT,
  state TEXT NOT NULL,
  pr_number INTEGER,
  pr_url TEXT,
  pr_draft INTEGER NOT NULL DEFAULT 0,
  merge_commit TEXT,
  message TEXT,
  polls INTEGER NOT NULL DEFAULT 0,
  next_poll_at INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id)
);
CREATE INDEX landings_by_state ON landings (state);
`;
