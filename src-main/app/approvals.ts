import type { ApprovalHandlers } from '../../src-shared/contract/domains.ts';
import { AppError } from '../errors.ts';
import type { AppContext } from './context.ts';

export function approvalHandlers({ store, bus, now }: AppContext): ApprovalHandlers {
  return {
    'approvals.list': ({ status }) => store.approvals.list(status),
    'approvals.decide': ({ approval_id, decision, actor, comment }) => {
      const decided = store.tx(() => {
        const approval = store.approvals.get(approval_id);
        if (!approval) throw new AppError('not_found', `approval "${approval_id}" not found`);
        if (approval.status !== 'pending') {
          throw new AppError('conflict', `approval "${approval_id}" was already ${approval.status}`);
        }
        const status = decision === 'approve' ? 'approved' : 'rejected';
        const at = now();
        store.approvals.decide({ id: approval_id, status, decided_at: at, actor, comment: comment ?? null });
        store.memory.audit({
          at,
          actor,
          entity: 'approval',
          entity_id: approval_id,
          run_id: approval.run_id,
          from_status: 'pending',
          to_status: status,
          why: comment ? `${decision}: ${comment}` : decision,
        });
        return store.approvals.get(approval_id)!;
      });
      bus.emit('approval.changed', decided);
      return decided;
    },
  };
}
