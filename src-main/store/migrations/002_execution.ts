/** 002: retries, progress, budgets (transactions), task logs, artifacts, approval kinds. */
export const up = `
ALTER TABLE task_runs ADD COLUMN progress INTEGER;
ALTER TABLE task_runs ADD COLUMN progress_message TEXT;
ALTER TABLE task_runs ADD COLUMN retry_at INTEGER;
ALTER TABLE task_runs ADD COLUMN cost REAL NOT NULL DEFAULT 0;
CREATE INDEX task_runs_agent ON task_runs(agent_id, status);

ALTER TABLE approvals ADD COLUMN kind TEXT NOT NULL DEFAULT 'approval_required';
ALTER TABLE approvals ADD COLUMN cost REAL NOT NULL DEFAULT 0;
CREATE INDEX approvals_task ON approvals(run_id, task_id);

CREATE TABLE transactions (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  project_id TEXT,
  task_id TEXT NOT NULL,
  agent_id TEXT,
  amount REAL NOT NULL,
  kind TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX transactions_plan ON transactions(plan_id);
CREATE INDEX transactions_project ON transactions(project_id);
CREATE INDEX transactions_run ON transactions(run_id);

CREATE TABLE task_progress (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  progress INTEGER NOT NULL,
  message TEXT,
  metadata TEXT,
  at TEXT NOT NULL
) STRICT;
CREATE INDEX task_progress_task ON task_progress(run_id, task_id, id);

CREATE TABLE task_logs (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  stream TEXT NOT NULL,
  text TEXT NOT NULL,
  at TEXT NOT NULL
) STRICT;
CREATE INDEX task_logs_task ON task_logs(run_id, task_id, id);

CREATE TABLE artifacts (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX artifacts_task ON artifacts(run_id, task_id);
`;
