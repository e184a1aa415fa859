import { useMemo, useState } from 'react';
import { APPROVAL_KINDS } from '../../../approvals/approval-kinds.ts';
import type { DiffFilePart, LineComment, ReviewedApproval } from '../../../approvals/diff-review.ts';
import { splitUnifiedDiff } from '../../../approvals/diff-review.ts';
import { plural } from '../../../format/plural.ts';
import { actorOf } from '../../../store/identity.ts';
import { useBaton } from '../../../store/index.ts';
import { ConfirmButton } from '../../shared/ConfirmButton.tsx';
import { DiffFileView } from './DiffFileView.tsx';
import { useDiffText } from './use-diff-text.ts';

const STATUS_MARK: Record<DiffFilePart['status'], string> = {
  added: 'A',
  modified: 'M',
  deleted: 'D',
  renamed: 'R',
};

/**
 * A coding attempt's diff to review (approval kind `diff_review`): the branch and what changed,
 * the files with their +/-, each file's diff unified or split, line comments, and the three
 * answers: approve (done with this diff), request changes (the same agent goes on in its
 * session with the comments), reject (skipped).
 */
export default function DiffReview({
  approval: a,
  onDeciding,
}: {
  approval: ReviewedApproval;
  onDeciding?: ((id: string) => void) | undefined;
}) {
  const diff = useDiffText(a);
  const parts = useMemo(() => (diff.state === 'ready' ? splitUnifiedDiff(diff.text) : []), [diff]);
  const [picked, setPicked] = useState<string | null>(null);
  const [mode, setMode] = useState<'unified' | 'split'>('unified');
  const [comments, setComments] = useState<LineComment[]>([]);
  const file = parts.find((p) => p.path === picked) ?? parts[0];
  const view = a.diff;
  const additions = view?.additions ?? parts.reduce((n, p) => n + p.additions, 0);
  const deletions = view?.deletions ?? parts.reduce((n, p) => n + p.deletions, 0);
  const count = view?.files.length ?? parts.length;
  return (
    <div className="diff-review">
      <p className="small">
        {view ? (
          <>
            Branch <code>{view.branch}</code> at <code>{view.commit.slice(0, 10)}</code>, attempt{' '}
            {view.attempt}
            {' · '}
          </>
        ) : null}
        {plural(count, 'file')} changed,{' '}
        <span className="review-add" title={`${additions} added lines`}>
          +{additions}
        </span>{' '}
        <span className="review-del" title={`${deletions} removed lines`}>
          −{deletions}
        </span>
      </p>
      {view?.summary && <p className="small diff-summary">{view.summary}</p>}
      {diff.state === 'loading' && <p className="muted small">Reading the diff…</p>}
      {diff.state === 'none' && <p className="muted small">The attempt changed nothing: there is no diff.</p>}
      {diff.state === 'error' && (
        <p className="field-error small">The diff could not be read: {diff.message}</p>
      )}
      {diff.state === 'ready' && diff.truncated && (
        <p className="field-error small">
          The diff passes 1 MB: it is shown up to there (the task panel downloads it whole).
        </p>
      )}
      {parts.length > 0 && file && (
        <div className="diff-body">
          <ul className="diff-files" aria-label="Changed files">
            {parts.map((p) => (
              <li key={p.path}>
                <button
                  type="button"
                  className={p === file ? 'active' : undefined}
                  aria-current={p === file ? 'true' : undefined}
                  onClick={() => setPicked(p.path)}
                  title={p.oldPath && p.oldPath !== p.path ? `${p.oldPath} → ${p.path}` : p.path}
                >
                  <span className={`diff-mark mark-${p.status}`} title={p.status}>
                    {STATUS_MARK[p.status]}
                  </span>
                  <span className="diff-path">{p.path}</span>
                  <span className="diff-counts">
                    {p.binary ? (
                      <span className="muted">binary</span>
                    ) : (
                      <>
                        <span className="review-add">+{p.additions}</span>{' '}
                        <span className="review-del">−{p.deletions}</span>
                      </>
                    )}
                  </span>
                  {comments.some((c) => c.path === p.path) && (
                    <span className="muted small file-comments">
                      {plural(comments.filter((c) => c.path === p.path).length, 'comment')}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
          <div className="diff-pane">
            <div className="diff-toolbar">
              <strong className="diff-path">{file.path}</strong>
              <span>
                <button type="button" aria-pressed={mode === 'unified'} onClick={() => setMode('unified')}>
                  Unified
                </button>
                <button type="button" aria-pressed={mode === 'split'} onClick={() => setMode('split')}>
                  Split
                </button>
              </span>
            </div>
            <DiffFileView
              file={file}
              mode={mode}
              comments={comments}
              onAdd={(c) => setComments((list) => [...list, c])}
              onRemove={(c) => setComments((list) => list.filter((x) => x !== c))}
            />
          </div>
        </div>
      )}
      <ReviewDecision approval={a} comments={comments} onDeciding={onDeciding} />
    </div>
  );
}

/** The review's comment and its three answers, recorded in your name. */
function ReviewDecision({
  approval: a,
  comments,
  onDeciding,
}: {
  approval: ReviewedApproval;
  comments: readonly LineComment[];
  onDeciding?: ((id: string) => void) | undefined;
}) {
  const decide = useBaton((s) => s.decide);
  const requestChanges = useBaton((s) => s.requestChanges);
  const actor = useBaton(actorOf);
  const [comment, setComment] = useState('');
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
          aria-label={`Review comment on ${a.task_id}`}
        />
        {error && <span className="field-error">{error}</span>}
      </label>
      <p className="muted small">
        {comments.length > 0
          ? `${plural(comments.length, 'line comment')} will go with a request for changes.`
          : 'Hover a line of the diff and press + to comment on it.'}
      </p>
      <div className="actions">
        <ConfirmButton
          label="Reject"
          question={`Reject ${a.task_id}?`}
          detail={kind.rejectDetail(a, actor)}
          yes={`Reject ${a.task_id}`}
          no="Keep it waiting"
          danger
          onConfirm={() => {
            onDeciding?.(a.id);
            void decide(a.id, false, comment);
          }}
        />
        <button type="button" onClick={ask}>
          Request changes
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => {
            onDeciding?.(a.id);
            void decide(a.id, true, comment);
          }}
        >
          Approve
        </button>
      </div>
    </div>
  );
}
