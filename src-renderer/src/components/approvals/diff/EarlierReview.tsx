import type { EarlierReview } from '../../../../../src-shared/schemas/approval.ts';
import { RelativeTime } from '../../shared/RelativeTime.tsx';

const DECIDED: Record<EarlierReview['decision'], string> = {
  changes_requested: 'asked for changes',
  approved: 'approved',
  rejected: 'rejected',
  expired: 'let it expire',
};

/**
 * The review conversation before this review: every earlier review of the task's diff, oldest
 * first, each with who decided what on which attempt and when, the review comment and the line
 * comments (each picks its file), beside the diff so the reviewer can check them.
 */
export function EarlierReviews({
  reviews,
  onPick,
}: {
  reviews: readonly EarlierReview[];
  onPick(path: string): void;
}) {
  return (
    <section className="earlier-review" aria-label="Earlier reviews">
      <p className="small">
        <strong>Earlier reviews</strong> ({reviews.length})
      </p>
      <ol className="earlier-reviews">
        {reviews.map((r) => (
          <li
            key={r.approval_id}
            aria-label={`Review of attempt ${r.attempt ?? '?'} by ${r.actor ?? 'a person'}`}
          >
            <p className="small">
              <strong>{r.actor ?? 'A person'}</strong> {DECIDED[r.decision]}
              {r.attempt !== null && <> on attempt {r.attempt}</>}
              {r.commit && (
                <>
                  {' '}
                  (<code>{r.commit.slice(0, 10)}</code>)
                </>
              )}{' '}
              {r.decided_at && <RelativeTime at={r.decided_at} />}
            </p>
            {r.comment && <blockquote className="small earlier-comment">{r.comment}</blockquote>}
            {r.line_comments.length > 0 && (
              <ul
                className="small earlier-line-comments"
                aria-label={`Line comments of the review of attempt ${r.attempt ?? '?'}`}
              >
                {r.line_comments.map((c) => (
                  <li key={`${c.path}:${c.side ?? 'new'}:${c.line}:${c.body}`}>
                    <button type="button" className="link" onClick={() => onPick(c.path)}>
                      {c.path}:{c.line}
                      {c.side === 'old' ? ' (removed line)' : ''}
                    </button>{' '}
                    <span className="line-comment-body">{c.body}</span>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
