import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { ApprovalKind } from '../../../src-shared/schemas/plain/approval.ts';
import { APPROVAL_KINDS } from '../../../src-shared/schemas/plain/approval.ts';

/** What the Approvals inbox is narrowed to, as a review queue's filters: a plan, a kind. */
export interface ApprovalFilter {
  plan_id?: string;
  kind?: ApprovalKind;
}

/** Whether the filter keeps an approval. */
export const matchesApproval = (a: ApprovalView, f: ApprovalFilter): boolean =>
  (!f.plan_id || a.plan_id === f.plan_id) && (!f.kind || a.kind === f.kind);

/** What the filters offer, each with how many it would show, as GitHub's facets count. */
export interface ApprovalFacets {
  /** Every kind, in the schema's order, counted among the approvals of the plan chosen (if any). */
  kinds: { kind: ApprovalKind; count: number }[];
  /** Each plan that has an approval waiting (and the plan chosen, even with none left), counted among the kind chosen. */
  plans: { plan_id: string; count: number }[];
}

/**
 * The counts beside each filter: a kind's count keeps the plan chosen and a plan's count keeps
 * the kind chosen, so each says how many picking it would show.
 */
export function approvalFacets(pending: readonly ApprovalView[], f: ApprovalFilter): ApprovalFacets {
  const kinds = APPROVAL_KINDS.map((kind) => ({
    kind,
    count: pending.filter((a) => a.kind === kind && matchesApproval(a, { plan_id: f.plan_id })).length,
  }));
  const byPlan = new Map<string, number>();
  if (f.plan_id) byPlan.set(f.plan_id, 0);
  for (const a of pending) {
    if (!a.plan_id) continue;
    const n = byPlan.get(a.plan_id) ?? 0;
    byPlan.set(a.plan_id, n + (matchesApproval(a, { kind: f.kind }) ? 1 : 0));
  }
  const plans = [...byPlan]
    .map(([plan_id, count]) => ({ plan_id, count }))
    .sort((a, b) => a.plan_id.localeCompare(b.plan_id));
  return { kinds, plans };
}

/** Whether any filter is set. */
export const filtersApprovals = (f: ApprovalFilter): boolean => Boolean(f.plan_id || f.kind);

/** How much work waits on an approval: the tasks downstream of its task (a count stopped at its limit weighs more). */
const blockedBy = (a: ApprovalView): number => (a.blocks ? a.blocks.count + (a.blocks.more ? 1 : 0) : 0);

/**
 * The approvals in the order asked for: what unblocks the most work first (then the longest
 * waiting), the longest waiting first, or the latest asked first.
 */
export function sortApprovals(
  list: readonly ApprovalView[],
  sort: 'blocking' | 'oldest' | 'newest',
): ApprovalView[] {
  const older = (a: ApprovalView, b: ApprovalView) => a.requested_at.localeCompare(b.requested_at);
  switch (sort) {
    case 'blocking':
      return [...list].sort((a, b) => blockedBy(b) - blockedBy(a) || older(a, b));
    case 'oldest':
      return [...list].sort(older);
    case 'newest':
      return [...list].sort((a, b) => older(b, a));
  }
}
