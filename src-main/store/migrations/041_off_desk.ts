/**
 * 041: the views of the inbox away from the desk.
 *
 * `person_links`: one-time links in notifications (src-main/people/links.ts), by the nonce each
 * carries: a row is written when a link is opened, so a second opening finds it used. Kept until
 * the link would have expired anyway.
 * `push_subscriptions`: a person's browsers that take Web Push (the endpoint and keys the browser
 * gave). `push_outbox`: what is still to send to each, written before anything is sent.
 * `slack_settings`: the Slack app Baton posts with (one row: the channel, the secrets' names).
 * `slack_people`: which Slack member each person is. `slack_messages`: the message each approval
 * was posted as, and the status it shows. `slack_seen`: the signatures of Slack requests already
 * taken, so a replayed one is refused.
 * The push and Slack duties read the audit log from now on (their cursors start at its end).
 */
export const up = `
CREATE TABLE person_links (
  nonce TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  approval_id TEXT NOT NULL,
  used_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX person_links_expiry ON person_links(expires_at);

CREATE TABLE push_subscriptions (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_sent_at TEXT,
  last_error TEXT
) STRICT;
CREATE INDEX push_subscriptions_person ON push_subscriptions(person_id);
CREATE TABLE push_outbox (
  id INTEGER PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES push_subscriptions(id) ON DELETE CASCADE,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL
) STRICT;
CREATE INDEX push_outbox_due ON push_outbox(next_at);

CREATE TABLE slack_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  enabled INTEGER NOT NULL,
  channel TEXT NOT NULL,
  bot_token_secret TEXT NOT NULL,
  signing_secret TEXT NOT NULL,
  api_url TEXT
) STRICT;
CREATE TABLE slack_people (
  person_id TEXT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
  slack_user_id TEXT NOT NULL UNIQUE
) STRICT;
CREATE TABLE slack_messages (
  approval_id TEXT PRIMARY KEY REFERENCES approvals(id) ON DELETE CASCADE,
  channel TEXT,
  ts TEXT,
  shown TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  last_error TEXT
) STRICT;
CREATE TABLE slack_seen (
  signature TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX slack_seen_expiry ON slack_seen(expires_at);

INSERT INTO reach_cursors VALUES ('push', (SELECT coalesce(max(id), 0) FROM audit_entries));
INSERT INTO reach_cursors VALUES ('slack', (SELECT coalesce(max(id), 0) FROM audit_entries));
`;
