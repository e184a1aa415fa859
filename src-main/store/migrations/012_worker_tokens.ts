/**
 * 012: worker tokens. A remote worker (`baton worker`) presents one of these instead of
 * the UI's token; it opens the worker API only. Only the SHA-256 of the token is kept. A revoked
 * token keeps its row (`revoked_at`), so a worker still using it is told it was revoked rather
 * than that it is unknown.
 */
export const up = `
CREATE TABLE worker_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
) STRICT;
`;
