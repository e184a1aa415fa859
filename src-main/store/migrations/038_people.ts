/**
 * 038: people on this Baton (src-main/people/). A person signs in with a passkey or a password
 * (its argon2id hash, never the password); a session or a personal access token is kept as the
 * SHA-256 of its secret only, as an invitation is. Removing a person removes their sessions,
 * tokens and passkeys with them (ON DELETE CASCADE). A name is unique whatever its case: it is
 * what every decision and audit entry names. `workspaces.approvers`: who may decide the approvals
 * of work in the workspace (JSON; null: as the plan says, else any member).
 */
export const up = `
CREATE TABLE people (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'owner')),
  password_hash TEXT,
  invited_by TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE TABLE person_sessions (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX person_sessions_person ON person_sessions(person_id);
CREATE TABLE person_tokens (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'owner')),
  secret_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT
) STRICT;
CREATE INDEX person_tokens_person ON person_tokens(person_id);
CREATE TABLE passkeys (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  public_key BLOB NOT NULL,
  counter INTEGER NOT NULL,
  transports TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  last_used_at TEXT
) STRICT;
CREATE INDEX passkeys_person ON passkeys(person_id);
CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'owner')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
) STRICT;
ALTER TABLE workspaces ADD COLUMN approvers TEXT;
`;
