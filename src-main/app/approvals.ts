import type { ApprovalHandlers } from '../../src-shared/contract/domains.ts';
import type { AppContext } from './context.ts';

export function approvalHandlers({ store, engine }: AppContext): ApprovalHandlers {
  return {
    'approvals.list': ({ status }) => store.approvals.list(status),
    'approvals.decide': ({ approval_id, decision, actor, comment }) =>
      engine.decideApproval(approval_id, decision === 'approve', actor, comment),
  };
}
