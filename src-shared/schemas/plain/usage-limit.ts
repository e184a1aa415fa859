/**
 * A task waiting for quota, as its reason says it, without zod: the task panel reads it, and zod
 * loads only with a form or a check.
 */

/** A task waiting for its agent's quota says so with this, then the time (the task panel's countdown reads it). */
export const QUOTA_WAIT_PREFIX = 'Waiting for quota until ';

/** The reset a quota-waiting task's reason names, in epoch ms; null for any other reason. */
export function quotaWaitUntil(reason: string | null): number | null {
  if (!reason?.startsWith(QUOTA_WAIT_PREFIX)) return null;
  const iso = /^\d{4}-\d\d-\d\dT[\d:.]+Z/.exec(reason.slice(QUOTA_WAIT_PREFIX.length))?.[0];
  const at = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(at) ? null : at;
}
