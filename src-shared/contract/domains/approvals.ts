import { z } from 'zod';
import type { Approval, ApprovalView, ReviewInterdiff } from '../../schemas/approval.ts';
import { decideApprovalInputSchema } from '../../schemas/approval.ts';
import { APPROVAL_STATUSES } from '../../schemas/plain/approval.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export const approvalMethods = {
  /**
   * Approvals, oldest asked first: of a status, of one run (`run_id`, every status unless one is
   * named), or all; or `decided` (approved, rejected, changes requested), the latest decided
   * first. `limit`: at most that many.
   */
  'approvals.list': method(
    z.strictObject({
      status: z.enum([...APPROVAL_STATUSES, 'decided']).optional(),
      limit: z.number().int().min(1).max(1_000).optional(),
      run_id: z
        .string()
        .min(1, 'run_id must name a run')
        .max(200, 'run_id is at most 200 characters')
        .optional(),
    }),
  ).returns<ApprovalView[]>(),
  'approvals.decide': method(decideApprovalInputSchema).returns<Approval>(),
  /**
   * A diff review after a request for changes: what the task's branch changed from the commit
   * the earlier review saw (`diff.previous_review.commit`) to the one under review.
   */
  'approvals.diffSinceReview': method(
    z.strictObject({ approval_id: z.string().min(1).max(200) }),
  ).returns<ReviewInterdiff>(),
  /**
   * A pending diff review of a best-of task (docs/best-of.md): makes another candidate the
   * winner before the review is decided: its commit becomes the task's branch and its work the
   * task's output. Recorded with who picked it.
   */
  'approvals.pickCandidate': method(
    z.strictObject({
      approval_id: z.string().min(1, 'approval_id must name a diff review').max(200),
      candidate: z
        .number({ error: 'candidate must be a whole number from 1 to 8' })
        .int('candidate must be a whole number from 1 to 8')
        .min(1, 'candidate must be a whole number from 1 to 8')
        .max(8, 'candidate must be a whole number from 1 to 8'),
      actor: z.string().min(1, 'actor must name who picks').max(200),
    }),
  ).returns<ApprovalView>(),
};

export type ApprovalHandlers = HandlersOf<typeof approvalMethods>;
