/**
 * 028: best of N (docs/best-of.md). `best_of_candidates`: every candidate of a coding task's
 * best-of attempt, ranked: its agent, branch and commit, how its checks ended, what it cost and
 * took, its diff's size, its rank and why, and how it ended. `picked_by`: the person who made it
 * the winner at the diff review (null: the ranking did).
 */
export const up = `
CREATE TABLE best_of_candidates (
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  candidate INTEGER NOT NULL,
  agent_id TEXT NOT NULL,
  branch TEXT NOT NULL,
  commit_sha TEXT,
  start_commit TEXT,
  status TEXT NOT NULL,
  checks_passed INTEGER NOT NULL,
  checks_total INTEGER NOT NULL,
  checks_line TEXT NOT NULL,
  cost_usd REAL,
  duration_ms INTEGER NOT NULL,
  diff_lines INTEGER NOT NULL,
  files INTEGER NOT NULL,
  additions INTEGER NOT NULL,
  deletions INTEGER NOT NULL,
  summary TEXT NOT NULL,
  rank INTEGER NOT NULL,
  reason TEXT NOT NULL,
  winner INTEGER NOT NULL DEFAULT 0,
  picked_by TEXT,
  judge TEXT,
  PRIMARY KEY (run_id, task_id, attempt, candidate)
) STRICT;
`;
