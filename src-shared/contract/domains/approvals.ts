import { z } from 'zod';
import type { Approval, ApprovalView } from '../../schemas/approval.ts';
import { APPROVAL_STATUSES, decideApprovalInputSchema } from '../../schemas/approval.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export const approvalMethods = {
  'approvals.list': method(z.strictObject({ status: z.enum(APPROVAL_STATUSES).optional() })).returns<
    ApprovalView[]
  >(),
  'approvals.decide': method(decideApprovalInputSchema).returns<Approval>(),
};

export type ApprovalHandlers = HandlersOf<typeof approvalMethods>;
