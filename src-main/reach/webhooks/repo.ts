import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type {
  DeliveryStatus,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
  WebhookFormat,
  WebhookPayload,
} from '../../../src-shared/schemas/webhook.ts';
import type { Db } from '../../store/db.ts';

interface WebhookRow {
  id: string;
  url: string;
  project_id: string | null;
  events: string;
  secret_name: string;
  format: string;
  link_base: string | null;
  enabled: number;
  created_at: string;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  created_at: number;
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  response_code: number | null;
  last_error: string | null;
}

/** A delivery as the sender works on it: times in ms, the payload as stored. */
export interface DueDelivery {
  id: string;
  webhook_id: string;
  event: WebhookEvent;
  payload: string;
  attempts: number;
  created_at: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toWebhook(r: WebhookRow): Webhook {
  return {
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as WebhookEvent[],
    project_id: r.project_id,
    // The column is NOT NULL: an unsigned (Slack) webhook keeps ''.
    secret_name: r.secret_name === '' ? null : r.secret_name,
    format: r.format as WebhookFormat,
    link_base: r.link_base,
    enabled: r.enabled === 1,
    created_at: r.created_at,
  };
}

function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    webhook_id: r.webhook_id,
    event: r.event as WebhookEvent,
    payload: JSON.parse(r.payload) as WebhookPayload,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    created_at: iso(r.created_at)!,
    next_attempt_at: iso(r.next_attempt_at),
    last_attempt_at: iso(r.last_attempt_at),
    response_code: r.response_code,
    last_error: r.last_error,
  };
}

/**
 * Webhooks, their outbox and its log (migration 008), and the audit entries the outbox is filled
 * from. `deliveryChanged`: told the id of each delivery written (queued, attempted, queued again).
 */
export function createWebhooksRepo(db: Db, deliveryChanged: (id: string) => void = () => {}) {
  const insertHook = db.prepare(`INSERT INTO webhooks
    (id, url, project_id, events, secret_name, format, link_base, enabled, created_at)
    VALUES (@id, @url, @project_id, @events, @secret_name, @format, @link_base, 1, @created_at)`);
  const allHooks = db.prepare<[], WebhookRow>('SELECT * FROM webhooks ORDER BY created_at, id');
  const oneHook = db.prepare<[string], WebhookRow>('SELECT * FROM webhooks WHERE id = ?');
  const removeHook = db.prepare('DELETE FROM webhooks WHERE id = ?');
  const updateHook = db.prepare(`UPDATE webhooks SET url = @url, project_id = @project_id, events = @events,
      secret_name = @secret_name, format = @format, link_base = @link_base WHERE id = @id`);
  const insertDelivery = db.prepare(`INSERT INTO webhook_deliveries
    (id, webhook_id, event, payload, status, attempts, created_at, next_attempt_at)
    VALUES (@id, @webhook_id, @event, @payload, 'pending', 0, @created_at, @created_at)`);
  const dueHooks = db
    .prepare<[number], string>(
      "SELECT DISTINCT webhook_id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?",
    )
    .pluck();
  const due = db.prepare<[string, number, number], DeliveryRow>(`SELECT * FROM webhook_deliveries
    WHERE webhook_id = ? AND status = 'pending' AND next_attempt_at <= ?
    ORDER BY next_attempt_at, rowid LIMIT ?`);
  const nextDue = db
    .prepare<[], number | null>(
      "SELECT min(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'",
    )
    .pluck();
  const recordAttempt = db.prepare(`UPDATE webhook_deliveries SET
      status = @status, attempts = attempts + 1, last_attempt_at = @at, next_attempt_at = @next,
      response_code = @code, last_error = @error
    WHERE id = @id AND status = 'pending'`);
  const oneDelivery = db.prepare<[string], DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = ?');
  const again = db.prepare(`UPDATE webhook_deliveries
    SET status = 'pending', created_at = @now, next_attempt_at = @now WHERE id = @id`);
  const cursor = db.prepare<[string], number>('SELECT last_id FROM reach_cursors WHERE name = ?').pluck();
  const moveCursor = db.prepare('UPDATE reach_cursors SET last_id = ? WHERE name = ?');
  const anyWork = db
    .prepare<[], number>(
      "SELECT EXISTS (SELECT 1 FROM webhooks) OR EXISTS (SELECT 1 FROM webhook_deliveries WHERE status = 'pending')",
    )
    .pluck();
  const lastAudit = db.prepare<[], number | null>('SELECT max(id) FROM audit_entries').pluck();
  const entriesAfter = db.prepare<[number, number], AuditEntry>(
    `SELECT id, at, actor, entity, entity_id, run_id, from_status, to_status, why FROM audit_entries
      WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const runOf = db.prepare<[string], { plan_id: string; project_id: string | null }>(
    'SELECT plan_id, project_id FROM runs WHERE id = ?',
  );
  const approvalOf = db.prepare<[string], { kind: string; task_id: string }>(
    'SELECT kind, task_id FROM approvals WHERE id = ?',
  );

  return {
    /**
     * Adds a subscription. The first one moves the cursor to the end of the audit log (while there
     * are none, the log is not read at all): a subscription hears what happens from now on.
     */
    insert(w: Omit<Webhook, 'enabled'>): void {
      db.transaction(() => {
        if (allHooks.all().length === 0) moveCursor.run(lastAudit.get() ?? 0, 'webhooks');
        insertHook.run({ ...w, events: JSON.stringify(w.events), secret_name: w.secret_name ?? '' });
      }).immediate();
    },
    /** Whether there is anything to do: a subscription, or a delivery still to send. */
    anyWork: (): boolean => anyWork.get() === 1,
    list: (): Webhook[] => allHooks.all().map(toWebhook),
    get: (id: string): Webhook | undefined => {
      const r = oneHook.get(id);
      return r ? toWebhook(r) : undefined;
    },
    remove: (id: string): boolean => removeHook.run(id).changes > 0,
    /** Changes a subscription's fields; its deliveries stay. */
    update(w: Omit<Webhook, 'enabled' | 'created_at'>): boolean {
      return (
        updateHook.run({ ...w, events: JSON.stringify(w.events), secret_name: w.secret_name ?? '' }).changes >
        0
      );
    },
    enqueue(d: { id: string; webhook_id: string; event: WebhookEvent; payload: WebhookPayload; at: number }) {
      insertDelivery.run({
        id: d.id,
        webhook_id: d.webhook_id,
        event: d.event,
        payload: JSON.stringify(d.payload),
        created_at: d.at,
      });
      deliveryChanged(d.id);
    },
    /** The subscriptions with a delivery due by `now`. */
    dueHooks: (now: number): string[] => dueHooks.all(now),
    /** One subscription's deliveries due by `now`, the earliest first. */
    due: (webhookId: string, now: number, limit: number): DueDelivery[] =>
      due.all(webhookId, now, limit).map((r) => ({
        id: r.id,
        webhook_id: r.webhook_id,
        event: r.event as WebhookEvent,
        payload: r.payload,
        attempts: r.attempts,
        created_at: r.created_at,
      })),
    /** When the next pending delivery is due (ms), or null when none waits. */
    nextDue: (): number | null => nextDue.get() ?? null,
    /** The outcome of one attempt; `next` is when to try again (status pending), else null. */
    recordAttempt(a: {
      id: string;
      status: DeliveryStatus;
      at: number;
      next: number | null;
      code: number | null;
      error: string | null;
    }): void {
      if (recordAttempt.run(a).changes > 0) deliveryChanged(a.id);
    },
    delivery: (id: string): WebhookDelivery | undefined => {
      const r = oneDelivery.get(id);
      return r ? toDelivery(r) : undefined;
    },
    deliveries(f: { webhook_id?: string | undefined; status?: DeliveryStatus | undefined; limit: number }) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (f.webhook_id !== undefined) {
        where.push('webhook_id = ?');
        args.push(f.webhook_id);
      }
      if (f.status !== undefined) {
        where.push('status = ?');
        args.push(f.status);
      }
      const sql = `SELECT * FROM webhook_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, rowid DESC LIMIT ?`;
      return db
        .prepare<unknown[], DeliveryRow>(sql)
        .all(...args, f.limit)
        .map(toDelivery);
    },
    /** Sends a delivery again (same id, so receivers can tell a repeat): pending, due now, a fresh time bound. */
    sendAgain(id: string, now: number): boolean {
      const queued = again.run({ id, now }).changes > 0;
      if (queued) deliveryChanged(id);
      return queued;
    },
    cursor: (name: string): number => cursor.get(name) ?? 0,
    /** Up to `limit` audit entries past id `afterId`, oldest first: what the outbox is filled from. */
    auditAfter: (afterId: number, limit: number): AuditEntry[] => entriesAfter.all(afterId, limit),
    /** What an entry's webhook payload names beside it: its run's plan and project, its approval's kind and task. */
    runOf: (runId: string) => runOf.get(runId) ?? null,
    approvalOf: (approvalId: string) => approvalOf.get(approvalId) ?? null,
    moveCursor(name: string, lastId: number): void {
      moveCursor.run(lastId, name);
    },
  };
}
export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;
