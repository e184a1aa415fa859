/**
 * 046: a person's pause of a coding task's agent (`runs.pause`, docs/steering.md).
 *
 * `task_pauses`: a task whose agent a person holds between turns, who and when; removed by
 * Resume or when the task's attempt ends otherwise. The engine reads the table once as it starts
 * (normally empty) and keeps it in memory, so a paused task taken up after a restart waits for
 * Resume before its agent runs again; no attempt of a task never paused looks here.
 */
export const up = `
CREATE TABLE task_pauses (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id)
) STRICT;
`;
