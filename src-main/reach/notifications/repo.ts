import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { Db } from '../../store/db.ts';
import { mayLag } from '../../store/write-behind.ts';

/**
 * What the notifier reads and keeps (migration 008): the audit log past its cursor, the facts an
 * entry does not carry (an approval's kind, a run's ready tasks, a task's status), and the
 * per-kind settings a person chose.
 */
export function createNotificationsRepo(db: Db) {
  // The log as the store's writer last committed it (`mayLag`): entries it writes later have
  // higher ids, read at the next look. A look does not wait for the writer.
  const maxId = db.prepare<[], number | null>(mayLag('SELECT max(id) FROM audit_entries')).pluck();
  // Only the entries a notification can come of: a task's only when it became ready (and only
  // while a task may wait for a person); a busy run writes several per task, read by the
  // thousand a second otherwise. Rows are filtered in SQLite, not made and dropped here.
  const entries = (tasks: boolean) =>
    db.prepare<[number, number, number], AuditEntry>(
      mayLag(`SELECT id, at, actor, entity, entity_id, run_id, from_status, to_status, why FROM audit_entries
        WHERE id > ? AND id <= ? AND ${tasks ? "(entity <> 'task' OR to_status = 'ready')" : "entity <> 'task'"}
        ORDER BY id LIMIT ?`),
    );
  const withTasks = entries(true);
  const withoutTasks = entries(false);
  const approvalKind = db.prepare<[string], string>('SELECT kind FROM approvals WHERE id = ?').pluck();
  const readyTasks = db
    .prepare<[string], string>(
      "SELECT task_id FROM task_runs WHERE run_id = ? AND status = 'ready' ORDER BY seq",
    )
    .pluck();
  const taskStatus = db
    .prepare<[string, string], string>('SELECT status FROM task_runs WHERE run_id = ? AND task_id = ?')
    .pluck();
  const stored = db.prepare<[], { kind: string; enabled: number }>(
    'SELECT kind, enabled FROM notification_settings',
  );
  const save = db.prepare(
    'INSERT INTO notification_settings (kind, enabled) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET enabled = excluded.enabled',
  );
  return {
    /** The last audit entry's id (null: the log is empty). */
    lastAuditId: (): number | null => maxId.get() ?? null,
    /**
     * Up to `limit` audit entries after id `afterId` up to `upTo`, oldest first, of those a
     * notification can come of (`tasks`: a task's that became ready too).
     */
    auditAfter: (afterId: number, upTo: number, limit: number, tasks: boolean): AuditEntry[] =>
      (tasks ? withTasks : withoutTasks).all(afterId, upTo, limit),
    approvalKind: (approvalId: string): string | null => approvalKind.get(approvalId) ?? null,
    /** The run's tasks that are ready now, in plan order. */
    readyTasks: (runId: string): string[] => readyTasks.all(runId),
    taskStatus: (runId: string, taskId: string): string | undefined => taskStatus.get(runId, taskId),
    /** The kinds a person turned on or off (a kind never set is on). */
    storedSettings: (): { kind: string; enabled: boolean }[] =>
      stored.all().map((r) => ({ kind: r.kind, enabled: r.enabled === 1 })),
    saveSetting(kind: string, enabled: boolean): void {
      save.run(kind, enabled ? 1 : 0);
    },
  };
}
export type NotificationsRepo = ReturnType<typeof createNotificationsRepo>;
