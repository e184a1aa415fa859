import { useEffect, useState } from 'react';
import type { KeptWorkDetail } from '../../../../../src-shared/contract/domains/runs.ts';
import type { Run, TaskRun } from '../../../../../src-shared/schemas/run.ts';
import type { KeptWork as Kept, TaskSession } from '../../../../../src-shared/schemas/workspace.ts';
import { api } from '../../../api/client.ts';
import { diffLines } from '../../../artifacts/artifact-view.ts';
import { plural } from '../../../format/plural.ts';
import { useBaton } from '../../../store/index.ts';
import { ConfirmButton } from '../../shared/ConfirmButton.tsx';
import { Modal, useModal } from '../../shared/Modal.tsx';

const short = (commit: string) => commit.slice(0, 10);

/** How the attempt ended, in words: `failed: timed out after 600 s`. */
const ended = (k: Kept) => (k.reason ? `${k.ended}: ${k.reason}` : k.ended);

/**
 * A coding task's work that did not finish, kept on its branch when its run ended (a failed,
 * timed-out, budget-stopped or cancelled attempt's): what it is, a look at it (the
 * work-in-progress commit and its diff), and the two ways on: Resume (a new run from the task
 * that goes on from the branch, in the same CLI session when it can) or Discard (the branch is
 * deleted, after a yes).
 */
export function KeptWork({ task, run }: { task: TaskRun; run: Run }) {
  const session = useBaton((s) => s.sessions[run.id]?.find((x) => x.task_id === task.task_id));
  const resume = useBaton((s) => s.resumeWork);
  const discard = useBaton((s) => s.discardWork);
  const [looking, setLooking] = useState(false);
  const kept = session?.kept_work;
  if (!session || !kept) return null;
  if (kept.state !== 'kept')
    return (
      <section className="kept-work" aria-label={`Kept work of ${task.task_id}`}>
        <p className="muted small kept-note">
          {kept.state === 'resumed'
            ? `The work attempt ${kept.attempt} left was resumed in run ${kept.resumed_by}.`
            : `The work attempt ${kept.attempt} left was discarded: its branch ${session.branch} is deleted.`}
        </p>
      </section>
    );
  return (
    <section className="kept-work" aria-label={`Kept work of ${task.task_id}`}>
      <h3>Work kept on its branch</h3>
      <p className="small kept-note">
        Attempt {kept.attempt} ended {ended(kept)}.{' '}
        {kept.not_committed ? (
          <>
            Baton could not commit what it left ({kept.not_committed}): its worktree is kept as it is, at{' '}
            <code>{session.dir}</code>.
          </>
        ) : (
          <>
            What it did is on <code>{session.branch}</code>
            {kept.wip_commit ? (
              <>
                {' '}
                as work in progress <code>{short(kept.wip_commit)}</code>
              </>
            ) : null}
            , not reviewed by anyone: {plural(kept.files, 'file')},{' '}
            <span className="review-add">+{kept.additions}</span>{' '}
            <span className="review-del">−{kept.deletions}</span>.
          </>
        )}
      </p>
      <div className="actions">
        <button type="button" onClick={() => setLooking(true)}>
          Look at the work
        </button>
        <ConfirmButton
          label="Resume"
          primary
          question={`Resume the work of ${task.task_id}?`}
          detail={`A new run in which ${task.task_id} goes on from ${session.branch} (in the same CLI session when ${session.agent_id || 'its agent'} takes it again), and every task after it runs again; the tasks before it are reused. This run stays as it is.`}
          yes="Resume"
          no="Not now"
          onConfirm={() => void resume(run.id, task.task_id)}
        />
        <ConfirmButton
          label="Discard…"
          name={`Discard the work of ${task.task_id}`}
          question={`Discard the work of ${task.task_id}?`}
          detail={`The branch ${session.branch} is deleted${kept.not_committed ? ', and its worktree with what is in it' : ''}: the work attempt ${kept.attempt} left is gone (git may still find its commit for a while, by its id). This cannot be undone from Baton.`}
          yes="Discard the work"
          no="Keep it"
          danger
          onConfirm={() => void discard(run.id, task.task_id)}
        >
          <ul className="small">
            <li>
              branch <code>{session.branch}</code> at <code>{short(kept.head)}</code>
            </li>
            <li>
              {plural(kept.files, 'file')} changed, +{kept.additions} −{kept.deletions}
            </li>
          </ul>
        </ConfirmButton>
      </div>
      {looking && <KeptWorkViewer session={session} onClose={() => setLooking(false)} />}
    </section>
  );
}

/** The kept work opened: its commit's message, the files, and the diff from the task's start. */
function KeptWorkViewer({ session, onClose }: { session: TaskSession; onClose(): void }) {
  const modal = useModal({ onClose });
  const [detail, setDetail] = useState<KeptWorkDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.keptWork(session.run_id, session.task_id).then(
      (d) => live && setDetail(d),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [session.run_id, session.task_id]);
  return (
    <Modal modal={modal} label={`Kept work of ${session.task_id}`} className="dialog artifact-viewer">
      <header className="artifact-head">
        <div>
          <h2>
            Kept work of {session.task_id} <code>{session.branch}</code>
          </h2>
          {detail && (
            <p className="muted small">
              {detail.tip ? `at ${short(detail.tip)}` : 'branch gone'} · {plural(detail.files.length, 'file')}{' '}
              · <span className="review-add">+{detail.additions}</span>{' '}
              <span className="review-del">−{detail.deletions}</span> since the task started
            </p>
          )}
        </div>
        <div className="actions">
          <button type="button" onClick={() => modal.close()}>
            Close
          </button>
        </div>
      </header>
      <div className="artifact-body">
        {error ? (
          <p className="field-error">Could not read it: {error}</p>
        ) : !detail ? (
          <p className="muted">Reading…</p>
        ) : (
          <>
            {detail.message && (
              <section aria-label="Work-in-progress commit">
                <pre className="artifact-text wrap kept-message">{detail.message}</pre>
              </section>
            )}
            <ul className="small kept-files" aria-label="Files changed">
              {detail.files.map((f) => (
                <li key={f.path}>
                  <code>{f.path}</code> <span className="muted">{f.status}</span>{' '}
                  {f.additions !== null && (
                    <>
                      <span className="review-add">+{f.additions}</span>{' '}
                      <span className="review-del">−{f.deletions}</span>
                    </>
                  )}
                </li>
              ))}
            </ul>
            {detail.truncated_note && <p className="notice small">{detail.truncated_note}</p>}
            <section aria-label="Diff">
              <pre className="artifact-text diff">
                {diffLines(detail.patch).map((l, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one fixed text
                  <span key={i} className={`diff-line diff-${l.kind}`}>
                    {l.text || ' '}
                    {'\n'}
                  </span>
                ))}
              </pre>
            </section>
          </>
        )}
      </div>
    </Modal>
  );
}
