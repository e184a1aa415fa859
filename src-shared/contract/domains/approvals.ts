import { z } from 'zod';
import type { Approval, ApprovalView, ReviewInterdiff } from '../../schemas/approval.ts';
import { APPROVAL_STATUSES, decideApprovalInputSchema } from '../../schemas/approval.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export const approvalMethods = {
  'approvals.list': method(z.strictObject({ status: z.enum(APPROVAL_STATUSES).optional() })).returns<
    ApprovalView[]
  >(),
  'approvals.decide': method(decideApprovalInputSchema).returns<Approval>(),
  /**
   * A diff review after a request for changes: what the task's branch changed from the commit
   * the earlier review saw (`diff.previous_review.commit`) to the one under review.
   */
  'approvals.diffSinceReview': method(
    z.strictObject({ approval_id: z.string().min(1).max(200) }),
  ).returns<ReviewInterdiff>(),
};

export type ApprovalHandlers = HandlersOf<typeof approvalMethods>;
