/**
 * 003: the task index fits the stats query; full-text indexes are brought up to date in batches (before a search, and when a run
 * ends) instead of by a trigger per written row. `search_index_state` keeps, per index, the
 * highest rowid indexed; rows above it are indexed later with their current values, so the
 * update and delete triggers only touch rows already in the index.
 */
export const up = `
-- Stats filter by agent and start time; status changes on every transition and need not be indexed.
DROP INDEX task_runs_agent;
CREATE INDEX task_runs_agent_started ON task_runs(agent_id, started_at);

CREATE TABLE search_index_state (name TEXT PRIMARY KEY, last_rowid INTEGER NOT NULL) STRICT;
INSERT INTO search_index_state VALUES ('memory', (SELECT coalesce(max(rowid), 0) FROM memory_entries));
INSERT INTO search_index_state VALUES ('audit', (SELECT coalesce(max(id), 0) FROM audit_entries));

DROP TRIGGER memory_ai;
DROP TRIGGER memory_au;
DROP TRIGGER memory_ad;
DROP TRIGGER audit_ai;
DROP TRIGGER audit_ad;

CREATE TRIGGER memory_au AFTER UPDATE ON memory_entries
WHEN old.rowid <= (SELECT last_rowid FROM search_index_state WHERE name = 'memory') BEGIN
  INSERT INTO memory_fts(memory_fts, rowid, content, tags) VALUES ('delete', old.rowid, old.content, old.tags);
  INSERT INTO memory_fts(rowid, content, tags) VALUES (new.rowid, new.content, new.tags);
END;
CREATE TRIGGER memory_ad AFTER DELETE ON memory_entries
WHEN old.rowid <= (SELECT last_rowid FROM search_index_state WHERE name = 'memory') BEGIN
  INSERT INTO memory_fts(memory_fts, rowid, content, tags) VALUES ('delete', old.rowid, old.content, old.tags);
END;
CREATE TRIGGER audit_ad AFTER DELETE ON audit_entries
WHEN old.id <= (SELECT last_rowid FROM search_index_state WHERE name = 'audit') BEGIN
  INSERT INTO audit_fts(audit_fts, rowid, entity_id, why) VALUES ('delete', old.id, old.entity_id, old.why);
END;
`;
