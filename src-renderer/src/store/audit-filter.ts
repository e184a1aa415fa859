import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';

/** What the audit log is narrowed to on the Build logs screen. */
export interface AuditFilter {
  /** What the entries are about. */
  entity?: AuditEntry['entity'];
  /** Part of who made the change, any case. */
  actor?: string;
  /** ISO instants, both inclusive. */
  since?: string;
  until?: string;
}

/** Whether an audit entry is one the filter keeps (as the host's audit.list filters do). */
export function matchesAudit(e: AuditEntry, f: AuditFilter): boolean {
  return (
    (!f.entity || e.entity === f.entity) &&
    (!f.actor || e.actor.toLowerCase().includes(f.actor.toLowerCase())) &&
    (!f.since || e.at >= f.since) &&
    (!f.until || e.at <= f.until)
  );
}

/** Whether any filter is set. */
export const filtersAudit = (f: AuditFilter): boolean => Boolean(f.entity || f.actor || f.since || f.until);
