/**
 * The Spend screen's address (its path and query, as the app's routes read it) for a budget named
 * as the audit log names it (`project:x`, `plan:p`, `run:r`): its spend, narrowed to the project,
 * plan or run. Where `budget.reached`'s webhook link and notification lead.
 */
export function budgetSpendAddress(entityId: string): string {
  const at = entityId.indexOf(':');
  const scope = entityId.slice(0, at);
  const id = encodeURIComponent(entityId.slice(at + 1));
  const field = scope === 'project' ? 'project' : scope === 'run' ? 'run' : 'plan';
  return `/spend?${field}=${id}`;
}
