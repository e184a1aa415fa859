import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { Role } from '../../../src-shared/schemas/plain/people.ts';
import type { PushSubscriptionInfo } from '../../../src-shared/schemas/push.ts';
import type { Db } from '../../store/db.ts';

export interface SubscriptionRow {
  id: string;
  person_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string;
  created_at: string;
  last_sent_at: string | null;
  last_error: string | null;
}

/** A subscription with the person it is for, as a message's recipients are picked. */
export interface Recipient extends SubscriptionRow {
  name: string;
  role: Role;
}

export interface DueMessage {
  id: number;
  subscription_id: string;
  payload: string;
  attempts: number;
}

const CURSOR = 'push';

/**
 * The most browsers one person keeps subscribed. Each run's end and each test is a POST per
 * subscription, signed with Baton's VAPID key: without a bound, one person could make Baton post
 * thousands of times to a push service. A new one past it replaces their oldest (a browser that
 * subscribes again gets a new endpoint, and the old one is what is left behind).
 */
export const MOST_PER_PERSON = 10;

/** The push tables' SQL (migration 040): subscriptions, the outbox, the cursor into the audit log. */
export function createPushRepo(db: Db) {
  const q = {
    upsert: db.prepare(
      `INSERT INTO push_subscriptions (id, person_id, endpoint, p256dh, auth, label, created_at)
       VALUES (@id, @person_id, @endpoint, @p256dh, @auth, @label, @created_at)
       ON CONFLICT (endpoint) DO UPDATE SET person_id = excluded.person_id, p256dh = excluded.p256dh,
         auth = excluded.auth, label = excluded.label, last_error = NULL`,
    ),
    trim: db.prepare(
      `DELETE FROM push_subscriptions WHERE person_id = @person_id AND id NOT IN (
         SELECT id FROM push_subscriptions WHERE person_id = @person_id
         ORDER BY endpoint = @endpoint DESC, created_at DESC, rowid DESC LIMIT @most)`,
    ),
    byEndpoint: db.prepare<[string], SubscriptionRow>('SELECT * FROM push_subscriptions WHERE endpoint = ?'),
    one: db.prepare<[string], SubscriptionRow>('SELECT * FROM push_subscriptions WHERE id = ?'),
    of: db.prepare<[string], SubscriptionRow>(
      'SELECT * FROM push_subscriptions WHERE person_id = ? ORDER BY created_at',
    ),
    remove: db.prepare('DELETE FROM push_subscriptions WHERE id = ? AND person_id = ?'),
    removeAny: db.prepare('DELETE FROM push_subscriptions WHERE id = ?'),
    removeByEndpoint: db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ? AND person_id = ?'),
    recipients: db.prepare<[], Recipient>(
      `SELECT s.*, p.name AS name, p.role AS role FROM push_subscriptions s
       JOIN people p ON p.id = s.person_id ORDER BY s.created_at`,
    ),
    any: db
      .prepare<[], number>(
        'SELECT EXISTS (SELECT 1 FROM push_subscriptions) OR EXISTS (SELECT 1 FROM push_outbox)',
      )
      .pluck(),
    enqueue: db.prepare('INSERT INTO push_outbox (subscription_id, payload, next_at) VALUES (?, ?, ?)'),
    due: db.prepare<[number, number], DueMessage>(
      'SELECT id, subscription_id, payload, attempts FROM push_outbox WHERE next_at <= ? ORDER BY next_at, id LIMIT ?',
    ),
    sent: db.prepare('DELETE FROM push_outbox WHERE id = ?'),
    retry: db.prepare('UPDATE push_outbox SET attempts = attempts + 1, next_at = ? WHERE id = ?'),
    marked: db.prepare('UPDATE push_subscriptions SET last_sent_at = ?, last_error = ? WHERE id = ?'),
    failed: db.prepare('UPDATE push_subscriptions SET last_error = ? WHERE id = ?'),
    cursor: db.prepare<[string], number>('SELECT last_id FROM reach_cursors WHERE name = ?').pluck(),
    moveCursor: db.prepare('UPDATE reach_cursors SET last_id = ? WHERE name = ?'),
    lastAudit: db.prepare<[], number | null>('SELECT max(id) FROM audit_entries').pluck(),
    entriesAfter: db.prepare<[number, number], AuditEntry>(
      `SELECT id, at, actor, entity, entity_id, run_id, from_status, to_status, why FROM audit_entries
       WHERE id > ? ORDER BY id LIMIT ?`,
    ),
    approvalKind: db.prepare<[string], string>('SELECT kind FROM approvals WHERE id = ?').pluck(),
  };
  return {
    /**
     * Subscribes a browser for a person; the same endpoint again replaces its keys (and its person).
     * Past MOST_PER_PERSON, that person's oldest go (never this one, never another person's), with
     * what waited for them. The first subscription moves the cursor to the log's end: it hears what
     * happens from now on.
     */
    subscribe(row: Omit<SubscriptionRow, 'last_sent_at' | 'last_error'>): SubscriptionRow {
      return db
        .transaction(() => {
          if (q.recipients.all().length === 0) q.moveCursor.run(q.lastAudit.get() ?? 0, CURSOR);
          q.upsert.run(row);
          q.trim.run({ person_id: row.person_id, endpoint: row.endpoint, most: MOST_PER_PERSON });
          return q.byEndpoint.get(row.endpoint)!;
        })
        .immediate();
    },
    get: (id: string) => q.one.get(id),
    of: (personId: string) => q.of.all(personId),
    remove: (personId: string, by: { id?: string | undefined; endpoint?: string | undefined }): boolean =>
      (by.id !== undefined
        ? q.remove.run(by.id, personId)
        : q.removeByEndpoint.run(by.endpoint ?? '', personId)
      ).changes > 0,
    /** The push service said the subscription is gone (404, 410): it goes, with what waited for it. */
    drop: (id: string) => q.removeAny.run(id),
    recipients: () => q.recipients.all(),
    anyWork: (): boolean => q.any.get() === 1,
    enqueue: (subscriptionId: string, payload: string, at: number) =>
      q.enqueue.run(subscriptionId, payload, at),
    due: (now: number, limit: number) => q.due.all(now, limit),
    sent(m: DueMessage, at: string): void {
      db.transaction(() => {
        q.sent.run(m.id);
        q.marked.run(at, null, m.subscription_id);
      })();
    },
    /** A failed attempt: tried again at `next`, or given up (null) with why. */
    failed(m: DueMessage, error: string, next: number | null): void {
      db.transaction(() => {
        if (next === null) q.sent.run(m.id);
        else q.retry.run(next, m.id);
        q.failed.run(error, m.subscription_id);
      })();
    },
    /** Audit entries past the cursor, and the cursor moved past them, in the caller's transaction. */
    cursor: (): number => q.cursor.get(CURSOR) ?? 0,
    moveCursor: (id: number) => q.moveCursor.run(id, CURSOR),
    /** The cursor to the log's end: nobody subscribed hears nothing of the past once someone does. */
    skipToEnd: () => q.moveCursor.run(q.lastAudit.get() ?? 0, CURSOR),
    auditAfter: (after: number, limit: number) => q.entriesAfter.all(after, limit),
    approvalKind: (id: string): string | null => q.approvalKind.get(id) ?? null,
  };
}
export type PushRepo = ReturnType<typeof createPushRepo>;

/** A subscription as its person sees it: never its endpoint (a capability) nor its keys. */
export function shownSubscription(row: SubscriptionRow): PushSubscriptionInfo {
  let service = 'unknown';
  try {
    service = new URL(row.endpoint).host;
  } catch {
    // stored as given by a browser; shown as unknown if it does not parse
  }
  return {
    id: row.id,
    label: row.label,
    service,
    created_at: row.created_at,
    last_sent_at: row.last_sent_at,
    last_error: row.last_error,
  };
}
