import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import { APPROVAL_KINDS } from '../../approvals/approval-kinds.ts';
import { actorOf } from '../../store/identity.ts';
import { useBaton } from '../../store/index.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';

/**
 * A comment and the two answers to an approval, recorded in your name. Rejecting skips a branch
 * of the run: it asks first, as cancelling does, and offers the comment again. Used by the
 * inbox's cards and by the task panel, so an approval is answered the same way wherever it is.
 */
export function ApprovalDecision({
  approval: a,
  onDeciding,
}: {
  approval: ApprovalView;
  /** Told before the decision is sent (the inbox moves the focus when the card goes). */
  onDeciding?: (id: string) => void;
}) {
  const decide = useBaton((s) => s.decide);
  const actor = useBaton(actorOf);
  // Kept in the store: showing another approval (j/k) and an undone decision keep what was typed.
  const comment = useBaton((s) => s.commentDrafts[a.id] ?? '');
  const setDraft = useBaton((s) => s.setCommentDraft);
  const setComment = (text: string) => setDraft(a.id, text);
  const kind = APPROVAL_KINDS[a.kind];
  const reject = kind.rejectLabel ?? 'Reject';
  const answer = (approve: boolean) => {
    onDeciding?.(a.id);
    void decide(a.id, approve, comment);
  };
  return (
    <>
      <label className="small">
        Comment
        <textarea
          rows={2}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          aria-label={`Comment on ${a.task_id}`}
          data-inbox="comment"
        />
      </label>
      <div className="actions">
        <ConfirmButton
          label={reject}
          question={`${reject} ${a.task_id}?`}
          detail={kind.rejectDetail(a, actor)}
          yes={`${reject} ${a.task_id}`}
          no="Keep it waiting"
          danger
          shortcut="reject"
          onConfirm={() => answer(false)}
        >
          <label className="small">
            Comment (optional)
            <textarea
              rows={2}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              aria-label={`Why ${reject.toLowerCase()} ${a.task_id} (optional)`}
            />
          </label>
        </ConfirmButton>
        <button type="button" className="primary" data-inbox="approve" onClick={() => answer(true)}>
          {kind.approveLabel}
        </button>
      </div>
    </>
  );
}
