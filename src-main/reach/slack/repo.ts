import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { SlackPerson } from '../../../src-shared/schemas/slack.ts';
import type { Db } from '../../store/db.ts';

/** The app's settings as stored (one row; none until an admin sets them). */
export interface SlackConfig {
  enabled: boolean;
  channel: string;
  bot_token_secret: string;
  signing_secret: string;
  api_url: string | null;
}

export const NO_SLACK: SlackConfig = {
  enabled: false,
  channel: '',
  bot_token_secret: 'slack.bot_token',
  signing_secret: 'slack.signing_secret',
  api_url: null,
};

/** An approval's Slack message as kept: where it was posted, and the status it shows. */
export interface MessageRow {
  approval_id: string;
  channel: string | null;
  ts: string | null;
  shown: string | null;
  attempts: number;
  next_at: number;
  last_error: string | null;
}

/** A message that does not show its approval as it is: to post, or to update. */
export interface DueMessage extends MessageRow {
  status: string;
}

const CURSOR = 'slack';

/** The Slack tables' SQL (migration 040). */
export function createSlackRepo(db: Db) {
  const q = {
    settings: db.prepare<[], Omit<SlackConfig, 'enabled'> & { enabled: number }>(
      'SELECT enabled, channel, bot_token_secret, signing_secret, api_url FROM slack_settings WHERE id = 1',
    ),
    save: db.prepare(
      `INSERT INTO slack_settings (id, enabled, channel, bot_token_secret, signing_secret, api_url)
       VALUES (1, @enabled, @channel, @bot_token_secret, @signing_secret, @api_url)
       ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, channel = excluded.channel,
         bot_token_secret = excluded.bot_token_secret, signing_secret = excluded.signing_secret,
         api_url = excluded.api_url`,
    ),
    people: db.prepare<[], SlackPerson>(
      'SELECT person_id, slack_user_id FROM slack_people ORDER BY person_id',
    ),
    personOf: db
      .prepare<[string], string>('SELECT person_id FROM slack_people WHERE slack_user_id = ?')
      .pluck(),
    link: db.prepare(
      `INSERT INTO slack_people (person_id, slack_user_id) VALUES (?, ?)
       ON CONFLICT (person_id) DO UPDATE SET slack_user_id = excluded.slack_user_id`,
    ),
    unlinkMember: db.prepare('DELETE FROM slack_people WHERE slack_user_id = ? AND person_id <> ?'),
    unlink: db.prepare('DELETE FROM slack_people WHERE person_id = ?'),
    waiting: db.prepare<[string], MessageRow>('SELECT * FROM slack_messages WHERE approval_id = ?'),
    enqueue: db.prepare(
      'INSERT INTO slack_messages (approval_id, next_at) VALUES (?, ?) ON CONFLICT (approval_id) DO NOTHING',
    ),
    touch: db.prepare('UPDATE slack_messages SET next_at = ?, attempts = 0 WHERE approval_id = ?'),
    due: db.prepare<[number, number], DueMessage>(
      `SELECT m.*, a.status AS status FROM slack_messages m JOIN approvals a ON a.id = m.approval_id
       WHERE m.next_at <= ? AND (m.shown IS NULL OR m.shown <> a.status)
       ORDER BY m.next_at LIMIT ?`,
    ),
    behind: db
      .prepare<[], number>(
        `SELECT count(*) FROM slack_messages m JOIN approvals a ON a.id = m.approval_id
         WHERE m.shown IS NULL OR m.shown <> a.status`,
      )
      .pluck(),
    lastError: db
      .prepare<[], string | null>(
        'SELECT last_error FROM slack_messages WHERE last_error IS NOT NULL ORDER BY next_at DESC LIMIT 1',
      )
      .pluck(),
    shown: db.prepare(
      `UPDATE slack_messages SET channel = coalesce(@channel, channel), ts = coalesce(@ts, ts), shown = @shown,
         attempts = 0, last_error = NULL WHERE approval_id = @approval_id`,
    ),
    failed: db.prepare(
      'UPDATE slack_messages SET attempts = attempts + 1, next_at = @next_at, last_error = @error WHERE approval_id = @approval_id',
    ),
    remember: db.prepare(
      'INSERT INTO slack_seen (signature, expires_at) VALUES (?, ?) ON CONFLICT (signature) DO NOTHING',
    ),
    forget: db.prepare('DELETE FROM slack_seen WHERE expires_at < ?'),
    cursor: db.prepare<[string], number>('SELECT last_id FROM reach_cursors WHERE name = ?').pluck(),
    moveCursor: db.prepare('UPDATE reach_cursors SET last_id = ? WHERE name = ?'),
    lastAudit: db.prepare<[], number | null>('SELECT max(id) FROM audit_entries').pluck(),
    entriesAfter: db.prepare<[number, number], AuditEntry>(
      `SELECT id, at, actor, entity, entity_id, run_id, from_status, to_status, why FROM audit_entries
       WHERE id > ? AND entity = 'approval' ORDER BY id LIMIT ?`,
    ),
  };
  return {
    settings(): SlackConfig {
      const r = q.settings.get();
      return r ? { ...r, enabled: r.enabled === 1 } : NO_SLACK;
    },
    /** Saves the settings; turned on, the cursor goes to the log's end (what waits from now on is posted). */
    save(c: SlackConfig): void {
      db.transaction(() => {
        const was = q.settings.get()?.enabled === 1;
        if (c.enabled && !was) q.moveCursor.run(q.lastAudit.get() ?? 0, CURSOR);
        q.save.run({ ...c, enabled: c.enabled ? 1 : 0 });
      }).immediate();
    },
    people: () => q.people.all(),
    personOf: (slackUser: string): string | null => q.personOf.get(slackUser) ?? null,
    /** Links a person to a Slack member (taken from anyone who had it), or unlinks them (null). */
    link(personId: string, slackUser: string | null): void {
      db.transaction(() => {
        if (slackUser === null) return void q.unlink.run(personId);
        q.unlinkMember.run(slackUser, personId);
        q.link.run(personId, slackUser);
      })();
    },
    message: (approvalId: string) => q.waiting.get(approvalId),
    /** Reads the log past the cursor: each approval that waits gets a row to post (in one transaction). */
    fill(now: number, batch: number): boolean {
      return db.transaction(() => {
        const entries = q.entriesAfter.all(q.cursor.get(CURSOR) ?? 0, batch);
        if (entries.length === 0) return false;
        for (const e of entries) {
          if (e.from_status === null && e.to_status === 'pending') q.enqueue.run(e.entity_id, now);
          else if (e.from_status === 'pending') q.touch.run(now, e.entity_id);
        }
        q.moveCursor.run(entries.at(-1)!.id, CURSOR);
        return entries.length === batch;
      })();
    },
    /** Makes an approval's message due now (a decision made here: no wait for the next look). */
    touch: (approvalId: string, now: number) => q.touch.run(now, approvalId),
    due: (now: number, limit: number) => q.due.all(now, limit),
    behind: (): number => q.behind.get() ?? 0,
    lastError: (): string | null => q.lastError.get() ?? null,
    shown: (m: { approval_id: string; channel: string | null; ts: string | null; shown: string }) =>
      q.shown.run(m),
    failed: (approvalId: string, error: string, nextAt: number) =>
      q.failed.run({ approval_id: approvalId, error, next_at: nextAt }),
    /** Remembers a request's signature until `expiresAt`; false when it was seen before (a replay). */
    firstSeen(signature: string, now: number, expiresAt: number): boolean {
      return db.transaction(() => {
        q.forget.run(now);
        return q.remember.run(signature, expiresAt).changes > 0;
      })();
    },
  };
}
export type SlackRepo = ReturnType<typeof createSlackRepo>;
