import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type {
  Notification,
  NotificationKind,
  NotificationSettings,
} from '../../src-shared/schemas/notification.ts';
import { NOTIFICATION_KINDS } from '../../src-shared/schemas/notification.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../store/store.ts';

/** Most entries read in one look: a window that connects after a long batch is not flooded. */
const BATCH = 200;

/** The notification an audit entry is, if any (the approval's kind decides budget or approval). */
export function notificationOf(e: AuditEntry, approvalKind: string | null): Notification | null {
  let kind: NotificationKind | null = null;
  let title = '';
  if (e.entity === 'approval' && e.from_status === null && e.to_status === 'pending') {
    kind = approvalKind === 'budget' ? 'budget_exceeded' : 'approval_waiting';
    title = kind === 'budget_exceeded' ? 'Budget passed: approval needed' : 'Approval waiting';
  } else if (e.entity === 'run' && e.from_status === 'executing' && e.to_status === 'failed') {
    kind = 'run_failed';
    title = `Run ${e.run_id} failed`;
  } else if (e.entity === 'run' && e.from_status === 'executing' && e.to_status === 'completed') {
    kind = 'run_completed';
    title = `Run ${e.run_id} completed`;
  }
  if (!kind) return null;
  return {
    id: `audit-${e.id}`,
    kind,
    title,
    body: e.why,
    at: e.at,
    target: {
      run_id: e.run_id,
      approval_id: e.entity === 'approval' ? e.entity_id : null,
      task_id: /task "([^"]+)"/.exec(e.why)?.[1] ?? null,
    },
  };
}

/**
 * Tells this process's windows (the `notification` event) what a person may want to hear about,
 * from the audit log, so runs other processes execute are told too. Only what happens from now
 * on; nothing is read while no window listens. Kinds a person turned off are not told.
 */
export function createNotifier(deps: { store: Store; bus: EventBus }) {
  const db = deps.store.db;
  const maxId = db.prepare<[], number | null>('SELECT max(id) FROM audit_entries').pluck();
  const after = db.prepare<[number, number], AuditEntry>(
    'SELECT * FROM audit_entries WHERE id > ? ORDER BY id LIMIT ?',
  );
  const approvalKind = db.prepare<[string], string>('SELECT kind FROM approvals WHERE id = ?').pluck();
  const stored = db.prepare<[], { kind: string; enabled: number }>(
    'SELECT kind, enabled FROM notification_settings',
  );
  const save = db.prepare(
    'INSERT INTO notification_settings (kind, enabled) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET enabled = excluded.enabled',
  );
  let cursor = maxId.get() ?? 0;
  let timer: NodeJS.Timeout | null = null;

  const settings = (): NotificationSettings => {
    const s = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, true])) as NotificationSettings;
    for (const r of stored.all())
      if ((NOTIFICATION_KINDS as readonly string[]).includes(r.kind))
        s[r.kind as NotificationKind] = r.enabled === 1;
    return s;
  };

  /** One look (tests call it): the notifications told. */
  function look(): Notification[] {
    if (!deps.bus.listening) {
      cursor = maxId.get() ?? cursor;
      return [];
    }
    const told: Notification[] = [];
    const on = settings();
    for (;;) {
      const entries = after.all(cursor, BATCH);
      for (const e of entries) {
        const kind =
          e.entity === 'approval' ? ((approvalKind.get(e.entity_id) as string | undefined) ?? null) : null;
        const n = notificationOf(e, kind);
        if (n && on[n.kind]) {
          deps.bus.emit('notification', n);
          told.push(n);
        }
        cursor = e.id;
      }
      if (entries.length < BATCH) return told;
    }
  }

  return {
    settings,
    configure(kind: NotificationKind, enabled: boolean): NotificationSettings {
      save.run(kind, enabled ? 1 : 0);
      return settings();
    },
    look,
    start(pollMs = 1_000): void {
      if (timer) return;
      timer = setInterval(() => {
        try {
          look();
        } catch {
          // the store is closing; the next look (if any) tries again
        }
      }, pollMs);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
