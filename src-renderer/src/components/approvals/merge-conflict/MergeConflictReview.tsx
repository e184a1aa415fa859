import { useState } from 'react';
import type { ApprovalView, MergeConflictDetails } from '../../../../../src-shared/schemas/approval.ts';
import { APPROVAL_KINDS } from '../../../approvals/approval-kinds.ts';
import { actorOf } from '../../../store/identity.ts';
import { useBaton } from '../../../store/index.ts';
import { ConfirmButton } from '../../shared/ConfirmButton.tsx';
import { MergeConflictFacts } from './MergeConflictFacts.tsx';

/**
 * A merge conflict as the inbox shows it: the merge and its files (`MergeConflictFacts`), and the
 * two answers. Go on says it was resolved in the worktree (asked again if it was not); failing
 * ends the attempt, so it asks first, with an optional note for the audit log.
 */
export function MergeConflictReview({
  approval: a,
  conflict,
  onDeciding,
}: {
  approval: ApprovalView;
  conflict: MergeConflictDetails;
  onDeciding?: ((id: string) => void) | undefined;
}) {
  const decide = useBaton((s) => s.decide);
  const actor = useBaton(actorOf);
  const [comment, setComment] = useState('');
  const kind = APPROVAL_KINDS.merge_conflict;
  const answer = (goOn: boolean) => {
    onDeciding?.(a.id);
    void decide(a.id, goOn, goOn ? '' : comment.trim());
  };
  return (
    <>
      <MergeConflictFacts approval={a} conflict={conflict} />
      <div className="actions">
        <ConfirmButton
          label="Fail"
          question={`Fail the attempt of ${a.task_id}?`}
          detail={kind.rejectDetail(a, actor)}
          yes="Fail the attempt"
          no="Keep it waiting"
          danger
          shortcut="reject"
          onConfirm={() => answer(false)}
        >
          <label className="small">
            Why (optional, for the audit log)
            <textarea
              rows={2}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              aria-label={`Why fail ${a.task_id} (optional)`}
            />
          </label>
        </ConfirmButton>
        <button type="button" className="primary" data-inbox="approve" onClick={() => answer(true)}>
          Go on
        </button>
      </div>
    </>
  );
}
