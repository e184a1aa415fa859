import { useMemo, useState } from 'react';
import type { DiffReviewView } from '../../../../../src-shared/schemas/approval.ts';
import type { LineComment, ReviewedApproval } from '../../../approvals/diff-review.ts';
import { splitUnifiedDiff } from '../../../approvals/diff-review.ts';
import type { ReviewFile } from '../../../approvals/review-files.ts';
import { reviewFiles } from '../../../approvals/review-files.ts';
import { viewedState } from '../../../approvals/viewed-files.ts';
import { counted } from '../../../format/plural.ts';
import { ChecksRow } from '../../checks/ChecksRow.tsx';
import { Candidates } from './Candidates.tsx';
import { ChangedFiles } from './ChangedFiles.tsx';
import { DiffPane } from './DiffPane.tsx';
import { EarlierReviews } from './EarlierReview.tsx';
import { ReviewDecision } from './ReviewDecision.tsx';
import { SandboxBlocked } from './SandboxBlocked.tsx';
import type { DiffText } from './use-diff-text.ts';
import { useDiffText } from './use-diff-text.ts';
import { useViewed } from './use-viewed.ts';

/**
 * A coding attempt's diff to review (approval kind `diff_review`): the branch and what changed,
 * the files with their +/- (filtered, virtualised), each file's diff unified or split, line
 * comments, and the three answers: approve (done with this diff), request changes (the same
 * agent goes on in its session with the comments), reject (skipped). After a request for
 * changes, the earlier reviews beside it (the whole conversation), and "Changes since your
 * last review": the diff from the commit the last of them saw to this one.
 */
export default function DiffReview({
  approval: a,
  onDeciding,
}: {
  approval: ReviewedApproval;
  onDeciding?: ((id: string) => void) | undefined;
}) {
  const view = a.diff;
  const previous = view?.previous_review;
  const earlier = view?.earlier_reviews ?? [];
  const [since, setSince] = useState(false);
  const diff = useDiffText(a, since && previous !== undefined);
  const listed = diff.state === 'ready' ? (diff.files ?? view?.files ?? null) : null;
  const list = useMemo(
    () => (diff.state === 'ready' ? reviewFiles(listed, splitUnifiedDiff(diff.text)) : []),
    [diff, listed],
  );
  const [picked, setPicked] = useState<string | null>(null);
  const [marks, setViewed] = useViewed(a.run_id, a.task_id);
  const [comments, setComments] = useState<LineComment[]>([]);
  const file = list.find((f) => f.path === picked) ?? list[0];
  // The agent answered the last request for changes without changing files: the same commit, its answer.
  const answered = previous !== undefined && view !== undefined && previous.commit === view.commit;
  return (
    <div className="diff-review">
      <ReviewHead view={view} list={list} />
      {view?.best_of && <Candidates approvalId={a.id} best={view.best_of} />}
      {view?.checks && <ChecksRow checks={view.checks} rounds={view.fix_rounds ?? 0} full />}
      {answered && view && previous ? (
        <div className="review-answered" role="note" aria-label="Answered without changes">
          <p className="small">
            <strong>The agent answered without changing files.</strong> The branch is still at{' '}
            <code>{view.commit.slice(0, 10)}</code>, the commit reviewed at attempt {previous.attempt}
            {previous.comment ? ', where you asked:' : '.'}
          </p>
          {previous.comment && <blockquote className="small">{previous.comment}</blockquote>}
          <p className="small">Its answer:</p>
          <blockquote className="small diff-summary">{view.summary || '(it said nothing)'}</blockquote>
          <p className="muted small">Approve that commit, ask again with another comment, or reject.</p>
        </div>
      ) : (
        view?.summary && <p className="small diff-summary">{view.summary}</p>
      )}
      {view?.protected_files && <ProtectedChanged files={view.protected_files} />}
      {view && (
        <SandboxBlocked
          runId={a.run_id}
          taskId={a.task_id}
          attempt={view.attempt}
          candidates={
            view.best_of
              ? { all: view.best_of.candidates.map((c) => c.candidate), underReview: view.best_of.winner }
              : undefined
          }
          workspaceId={view.workspace_id}
        />
      )}
      {previous && view && !answered && (
        <div className="review-since">
          <button type="button" aria-pressed={since} data-inbox="since" onClick={() => setSince(!since)}>
            Changes since your last review
          </button>
          <span className="muted small">
            {since
              ? `From ${previous.commit.slice(0, 10)} (attempt ${previous.attempt}) to ${view.commit.slice(0, 10)} (attempt ${view.attempt})`
              : `The whole change of attempt ${view.attempt}; press to see only what changed since attempt ${previous.attempt}`}
          </span>
        </div>
      )}
      {earlier.length > 0 && <EarlierReviews reviews={earlier} onPick={setPicked} />}
      <DiffState diff={diff} since={since} />
      {list.length > 0 && file && (
        <div className="diff-body">
          <ChangedFiles files={list} picked={file} onPick={setPicked} comments={comments} marks={marks} />
          <DiffPane
            file={file}
            viewed={viewedState(marks, file)}
            onViewed={(v) => setViewed(file, v)}
            comments={comments}
            onAdd={(c) => setComments((all) => [...all, c])}
            onRemove={(c) => setComments((all) => all.filter((x) => x !== c))}
          />
        </div>
      )}
      <ReviewDecision approval={a} comments={comments} onDeciding={onDeciding} answered={answered} />
    </div>
  );
}

/** The branch, commit and attempt of the whole change, and its files and +/-. */
function ReviewHead({ view, list }: { view: DiffReviewView | undefined; list: readonly ReviewFile[] }) {
  const count = view?.files.length ?? list.length;
  const additions = view?.additions ?? list.reduce((n, f) => n + (f.additions ?? 0), 0);
  const deletions = view?.deletions ?? list.reduce((n, f) => n + (f.deletions ?? 0), 0);
  return (
    <p className="small">
      {view ? (
        <>
          Branch <code>{view.branch}</code> at <code>{view.commit.slice(0, 10)}</code>, attempt {view.attempt}
          {' · '}
        </>
      ) : null}
      {counted(count, 'file')} changed,{' '}
      <span className="review-add" title={`${additions} added lines`}>
        +{additions.toLocaleString('en')}
      </span>{' '}
      <span className="review-del" title={`${deletions} removed lines`}>
        −{deletions.toLocaleString('en')}
      </span>
    </p>
  );
}

/**
 * The changed files that are protected paths (`.vscode/…`, `.mcp.json`, `.bashrc`: what an
 * editor, a shell or a coding agent runs from), which the sandbox keeps agents from writing unless
 * the workspace allows it: said above the diff, for the reviewer to read before approving.
 */
function ProtectedChanged({ files }: { files: readonly string[] }) {
  return (
    <p className="field-error small" role="note" aria-label="Protected files changed">
      {counted(files.length, 'protected file')} changed:{' '}
      {files.map((f, i) => (
        <span key={f}>
          {i > 0 && ', '}
          <code>{f}</code>
        </span>
      ))}
      . Editors, shells and coding agents run what these hold: read them before you approve.
    </p>
  );
}

/** Reading, nothing to show, an error, or a diff cut short. */
function DiffState({ diff, since }: { diff: DiffText; since: boolean }) {
  if (diff.state === 'loading') return <p className="muted small">Reading the diff…</p>;
  if (diff.state === 'none')
    return (
      <p className="muted small">
        {since ? 'Nothing changed since your last review.' : 'The attempt changed nothing: there is no diff.'}
      </p>
    );
  if (diff.state === 'error')
    return <p className="field-error small">The diff could not be read: {diff.message}</p>;
  if (!diff.truncated) return null;
  return (
    <p className="field-error small">
      The diff passes 1 MB: it is shown up to there (the task panel downloads it whole).
    </p>
  );
}
