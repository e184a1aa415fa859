/**
 * 008: Baton reaches people and machines: webhooks, schedules, triggers, notifications.
 *
 * `reach_leases`: which process does a background duty (sending webhooks, firing schedules),
 * leased like a run (an owner `host:pid:id` and an expiry; a dead local owner's lease is taken).
 * `reach_cursors`: how far a duty has read an append-only table (the audit log, for webhooks).
 * `webhooks`: subscriptions. `webhook_deliveries`: the outbox, one row per event and
 * subscription, written before anything is sent, so a delivery due when Baton stops is sent
 * after it starts. `schedules`: a plan's cron schedules, with their next fire time.
 * `triggers`: `POST /api/triggers/<id>`, each with its secret's hash. `run_inputs`: the inputs a
 * run was started with (checked against its plan's `run_inputs`), which its tasks read.
 * `notification_settings`: the kinds of notification a person turned off (or on again).
 */
export const up = `
CREATE TABLE reach_leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE reach_cursors (
  name TEXT PRIMARY KEY,
  last_id INTEGER NOT NULL
) STRICT;
-- Webhooks tell what happens from now on, not the history before they existed.
INSERT INTO reach_cursors VALUES ('webhooks', (SELECT coalesce(max(id), 0) FROM audit_entries));

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  project_id TEXT,
  events TEXT NOT NULL,
  secret_name TEXT NOT NULL,
  format TEXT NOT NULL,
  link_base TEXT,
  enabled INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER,
  last_attempt_at INTEGER,
  response_code INTEGER,
  last_error TEXT
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, created_at);

CREATE TABLE schedules (
  id TEXT PRIMARY KEY,
  plan_id TEXT NOT NULL,
  cron TEXT NOT NULL,
  timezone TEXT NOT NULL,
  inputs TEXT NOT NULL,
  overlap TEXT NOT NULL,
  catch_up TEXT NOT NULL,
  catch_up_max INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  next_fire_at INTEGER,
  queued INTEGER NOT NULL DEFAULT 0,
  last_run_id TEXT,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE triggers (
  id TEXT PRIMARY KEY,
  plan_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  inputs TEXT NOT NULL,
  rate_per_minute INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE notification_settings (
  kind TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL
) STRICT;

CREATE TABLE run_inputs (
  run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  inputs TEXT NOT NULL
) STRICT;
`;
