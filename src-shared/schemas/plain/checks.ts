/**
 * A check's statuses and checks at a glance, without zod: the first screen (a link's page) says
 * them, and zod loads only with a form or a check.
 */

export const CHECK_STATUSES = ['running', 'passed', 'failed', 'timed_out'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** "test ✓ lint ✗": checks at a glance. */
export function checksLine(checks: readonly { name: string; status: CheckStatus }[]): string {
  const mark = { passed: '✓', failed: '✗', timed_out: '⏱', running: '…' } as const;
  return checks.map((c) => `${c.name} ${mark[c.status]}`).join(' ');
}
