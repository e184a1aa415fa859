import type { Plan } from '../../src-shared/schemas/plan.ts';
import type { EngineStore } from './coding-records.ts';

/**
 * A plan's `max_open_reviews`: while that many of its diff reviews wait for a person, its coding
 * tasks (those an agent working in a workspace would take) do not start, however they would be
 * handed out (dispatch, a remote worker's pull). Only a plan that sets it is counted: one count of
 * its pending reviews a tick (`counted`), nothing for the others.
 */
export function reviewsAtLimit(
  store: Pick<EngineStore, 'approvals'>,
  plan: Plan,
  counted: Map<string, number>,
): number | null {
  const limit = plan.max_open_reviews;
  if (limit === undefined) return null;
  let open = counted.get(plan.plan_id);
  if (open === undefined) {
    open = store.approvals.openOfPlan(plan.plan_id, 'diff_review');
    counted.set(plan.plan_id, open);
  }
  return open >= limit ? open : null;
}

/** Why a coding task of such a plan waits, as its `reason` says it. */
export function reviewsWaitReason(plan: Plan, open: number): string {
  const reviews =
    open === 1
      ? `1 diff review of plan ${plan.plan_id} waits`
      : `${open} diff reviews of plan ${plan.plan_id} wait`;
  return `Waiting for reviews: ${reviews} for a person (max_open_reviews ${plan.max_open_reviews}); it starts when one is decided`;
}
