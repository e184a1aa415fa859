/**
 * 005: a task's row holds its latest attempt; an attempt that a retry (or a restart) replaces is
 * kept here when it ends, so statistics count every attempt and a task can list its attempts.
 * A row that already holds a failed attempt a retry will replace (waiting for it, or cancelled or
 * skipped while it waited) has it copied in, ended when the row was last written.
 */
export const up = `
CREATE TABLE task_attempts (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  agent_id TEXT,
  started_at TEXT,
  finished_at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  error TEXT,
  PRIMARY KEY (run_id, task_id, attempt)
) STRICT;
CREATE INDEX task_attempts_agent ON task_attempts(agent_id, started_at);
INSERT INTO task_attempts (run_id, task_id, attempt, agent_id, started_at, finished_at, outcome, error)
  SELECT run_id, task_id, attempt, agent_id, started_at, updated_at, 'failed', error FROM task_runs
  WHERE attempt > 0 AND error IS NOT NULL AND status NOT IN ('done', 'failed', 'in_progress');
`;
