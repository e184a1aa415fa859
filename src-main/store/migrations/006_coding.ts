/**
 * 006: coding agents. `workspaces`: the git repositories people registered.
 * `attempt_steps`: what an agent that thinks in turns did, step by step, per attempt (a step
 * recorded again under its seq replaces the earlier version, keeping its rowid); its text is
 * searchable through `step_fts`, indexed lazily like memory and audit (migration 003: rows above
 * the `steps` mark are indexed in batches, and only rows already indexed are touched by the
 * triggers). `task_sessions`: a coding task's worktree, branch and CLI session, so a later
 * attempt (after a crash, or a review asking for changes) resumes it, and so worktrees are
 * removed when their run ends.
 */
export const up = `
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  base_branch TEXT NOT NULL,
  setup_command TEXT,
  env TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE attempt_steps (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  agent_id TEXT,
  body TEXT NOT NULL,
  search_text TEXT NOT NULL,
  UNIQUE (run_id, task_id, attempt, seq)
) STRICT;

CREATE VIRTUAL TABLE step_fts USING fts5(
  search_text, content='attempt_steps', content_rowid='id', tokenize='unicode61'
);
INSERT INTO search_index_state VALUES ('steps', 0);
CREATE TRIGGER steps_au AFTER UPDATE ON attempt_steps
WHEN old.id <= (SELECT last_rowid FROM search_index_state WHERE name = 'steps') BEGIN
  INSERT INTO step_fts(step_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO step_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER steps_ad AFTER DELETE ON attempt_steps
WHEN old.id <= (SELECT last_rowid FROM search_index_state WHERE name = 'steps') BEGIN
  INSERT INTO step_fts(step_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

CREATE TABLE task_sessions (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  cli TEXT NOT NULL,
  dir TEXT NOT NULL,
  branch TEXT NOT NULL,
  start_commit TEXT NOT NULL,
  session_id TEXT,
  home TEXT,
  attempt INTEGER NOT NULL,
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id)
) STRICT;
CREATE INDEX task_sessions_workspace ON task_sessions(workspace_id, state);
`;
