import { useState } from 'react';
import { APPROVAL_KINDS } from '../../../approvals/approval-kinds.ts';
import type { LineComment, ReviewedApproval } from '../../../approvals/diff-review.ts';
import { plural } from '../../../format/plural.ts';
import { actorOf } from '../../../store/identity.ts';
import { useBaton } from '../../../store/index.ts';
import { ConfirmButton } from '../../shared/ConfirmButton.tsx';

/** The review's comment and its three answers, recorded in your name. */
export function ReviewDecision({
  approval: a,
  comments,
  onDeciding,
  answered = false,
}: {
  approval: ReviewedApproval;
  comments: readonly LineComment[];
  onDeciding?: ((id: string) => void) | undefined;
  /** The agent answered the last request for changes without changing files: approving takes the commit reviewed then. */
  answered?: boolean;
}) {
  const decide = useBaton((s) => s.decide);
  const notifyWithLink = useBaton((s) => s.notifyWithLink);
  const requestChanges = useBaton((s) => s.requestChanges);
  const actor = useBaton(actorOf);
  // Kept in the store: showing another approval (j/k) and an undone decision keep what was typed.
  const comment = useBaton((s) => s.commentDrafts[a.id] ?? '');
  const setDraft = useBaton((s) => s.setCommentDraft);
  const setComment = (text: string) => setDraft(a.id, text);
  const [error, setError] = useState<string | null>(null);
  const kind = APPROVAL_KINDS.diff_review;
  const ask = () => {
    if (comment.trim() === '') {
      setError(
        comments.length > 0
          ? 'Say in a review comment what to change; the line comments go with it'
          : 'Say in a review comment what to change',
      );
      return;
    }
    setError(null);
    onDeciding?.(a.id);
    void requestChanges(a.id, comment.trim(), [...comments]);
  };
  return (
    <div className="review-decision">
      <label className="small">
        Review comment
        <textarea
          rows={2}
          value={comment}
          aria-invalid={error ? true : undefined}
          onChange={(e) => setComment(e.target.value)}
          onKeyDown={(e) => {
            // Ctrl+Enter (⌘+Enter) sends the review as a request for changes.
            if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
            e.preventDefault();
            ask();
          }}
          aria-label={`Review comment on ${a.task_id}`}
          aria-keyshortcuts="Control+Enter Meta+Enter"
          data-inbox="changes"
        />
        {error && <span className="field-error">{error}</span>}
      </label>
      <p className={`muted small${comments.length > 0 ? '' : ' line-comment-hint'}`}>
        {comments.length > 0
          ? `${plural(comments.length, 'line comment')} will go with a request for changes.`
          : 'Press + beside a line of the diff (hover it, or Tab to it) to comment on it.'}
      </p>
      <div className="actions">
        <ConfirmButton
          label="Reject"
          question={`Reject ${a.task_id}?`}
          detail={kind.rejectDetail(a, actor)}
          yes={`Reject ${a.task_id}`}
          no="Keep it waiting"
          danger
          shortcut="reject"
          onConfirm={() => {
            onDeciding?.(a.id);
            void decide(a.id, false, comment);
          }}
        />
        <button type="button" onClick={ask} aria-keyshortcuts="Control+Enter Meta+Enter">
          {answered ? 'Ask again' : 'Request changes'}
        </button>
        <button
          type="button"
          className="primary"
          data-inbox="approve"
          onClick={() => {
            onDeciding?.(a.id);
            void decide(a.id, true, comment).then(
              (ok) =>
                // What comes next for accepted work: pushing it or proposing it, from the task's panel.
                ok &&
                notifyWithLink(`Next for ${a.task_id}`, {
                  to: { screen: 'run', runId: a.run_id, taskId: a.task_id },
                  label: `Push ${a.task_id} or open a pull request…`,
                }),
            );
          }}
        >
          {answered ? 'Approve that commit' : 'Approve'}
        </button>
      </div>
    </div>
  );
}
