/** 001: the first schema. Plans are versioned; runs hold a lease; FTS5 over memory and audit. */
export const up = `
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  goal TEXT NOT NULL DEFAULT '',
  phase TEXT NOT NULL DEFAULT 'planning',
  budget REAL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  project_id TEXT,
  version INTEGER NOT NULL,
  task_count INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE plan_versions (
  plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (plan_id, version)
) STRICT;

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  plan_id TEXT NOT NULL,
  plan_version INTEGER NOT NULL,
  project_id TEXT,
  status TEXT NOT NULL,
  memory_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  lease_owner TEXT,
  lease_expires_at INTEGER
) STRICT;
CREATE INDEX runs_plan ON runs(plan_id, created_at);
CREATE INDEX runs_unfinished ON runs(status) WHERE status = 'executing';

CREATE TABLE task_runs (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  agent_id TEXT,
  delegation_task_id TEXT,
  attempt INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  match TEXT,
  output TEXT,
  error TEXT,
  started_at TEXT,
  finished_at TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id)
) STRICT;

CREATE TABLE approvals (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  decided_at TEXT,
  actor TEXT,
  comment TEXT
) STRICT;
CREATE INDEX approvals_status ON approvals(status, requested_at);

CREATE TABLE memory_entries (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  agent_id TEXT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL,
  tags TEXT NOT NULL,
  project_id TEXT,
  status TEXT,
  task_type TEXT,
  task_id TEXT,
  plan_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX memory_type ON memory_entries(type, created_at);
CREATE INDEX memory_plan ON memory_entries(plan_id, created_at);

CREATE VIRTUAL TABLE memory_fts USING fts5(
  content, tags, content='memory_entries', content_rowid='rowid', tokenize='unicode61'
);
CREATE TRIGGER memory_ai AFTER INSERT ON memory_entries BEGIN
  INSERT INTO memory_fts(rowid, content, tags) VALUES (new.rowid, new.content, new.tags);
END;
CREATE TRIGGER memory_ad AFTER DELETE ON memory_entries BEGIN
  INSERT INTO memory_fts(memory_fts, rowid, content, tags) VALUES ('delete', old.rowid, old.content, old.tags);
END;
CREATE TRIGGER memory_au AFTER UPDATE ON memory_entries BEGIN
  INSERT INTO memory_fts(memory_fts, rowid, content, tags) VALUES ('delete', old.rowid, old.content, old.tags);
  INSERT INTO memory_fts(rowid, content, tags) VALUES (new.rowid, new.content, new.tags);
END;

CREATE TABLE audit_entries (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  run_id TEXT,
  from_status TEXT,
  to_status TEXT,
  why TEXT NOT NULL
) STRICT;
CREATE INDEX audit_run ON audit_entries(run_id, id);

CREATE VIRTUAL TABLE audit_fts USING fts5(
  entity_id, why, content='audit_entries', content_rowid='id', tokenize='unicode61'
);
CREATE TRIGGER audit_ai AFTER INSERT ON audit_entries BEGIN
  INSERT INTO audit_fts(rowid, entity_id, why) VALUES (new.id, new.entity_id, new.why);
END;
CREATE TRIGGER audit_ad AFTER DELETE ON audit_entries BEGIN
  INSERT INTO audit_fts(audit_fts, rowid, entity_id, why) VALUES ('delete', old.id, old.entity_id, old.why);
END;
`;
