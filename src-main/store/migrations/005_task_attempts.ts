/**
 * 005: a task's row holds its latest attempt; an attempt that a retry (or a restart) replaces is
 * kept here when it ends, so statistics count every attempt and a task can list its attempts.
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
`;
