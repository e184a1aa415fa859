import type { PreviousReview } from '../../../../../src-shared/schemas/approval.ts';
import { RelativeTime } from '../../shared/RelativeTime.tsx';

/**
 * The review that asked for the changes now under review: who asked, when, the review comment
 * and the line comments (each picks its file), beside the diff so the reviewer can check them.
 */
export function EarlierReview({ review, onPick }: { review: PreviousReview; onPick(path: string): void }) {
  return (
    <section className="earlier-review" aria-label="Your last review">
      <p className="small">
        <strong>Your last review</strong>: {review.actor ?? 'a person'} asked for changes on attempt{' '}
        {review.attempt} (<code>{review.commit.slice(0, 10)}</code>) <RelativeTime at={review.decided_at} />
      </p>
      {review.comment && <blockquote className="small earlier-comment">{review.comment}</blockquote>}
      {review.line_comments.length > 0 && (
        <ul className="small earlier-line-comments" aria-label="Line comments of your last review">
          {review.line_comments.map((c) => (
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
    </section>
  );
}
