/**
 * 021: what tasks printed (`task_logs`, their stdout and stderr lines) is searchable through
 * `task_log_fts`, indexed lazily like memory, audit and steps (migration 003): nothing is added
 * to the writing of a line; lines above the mark in `search_index_state` are indexed in batches
 * before a search and when a run ends. The mark starts at 0, so the lines written before this
 * migration are indexed by the first catch-up too. Lines are never updated; a deleted line
 * already indexed leaves the index with it.
 */
export const up = `
CREATE VIRTUAL TABLE task_log_fts USING fts5(
  text, content='task_logs', content_rowid='id', tokenize='unicode61'
);
INSERT INTO search_index_state VALUES ('task_logs', 0);
CREATE TRIGGER task_logs_ad AFTER DELETE ON task_logs
WHEN old.id <= (SELECT last_rowid FROM search_index_state WHERE name = 'task_logs') BEGIN
  INSERT INTO task_log_fts(task_log_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
`;
