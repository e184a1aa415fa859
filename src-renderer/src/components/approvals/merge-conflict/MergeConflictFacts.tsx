import type { ApprovalView, MergeConflictDetails } from '../../../../../src-shared/schemas/approval.ts';
import { conflictKindLabel } from '../../../approvals/merge-conflict.ts';
import { CopyButton } from '../../shared/CopyButton.tsx';

/**
 * A merge that waits for a person (approval kind `merge_conflict`): which dependency branch is
 * merged into the task's branch, the files it conflicts in (each with how git left it), the
 * worktree where it waits, with its path to copy, and what to do there. The inbox's card and the
 * task panel both show it.
 */
export function MergeConflictFacts({
  approval: a,
  conflict: c,
}: {
  approval: ApprovalView;
  conflict: MergeConflictDetails;
}) {
  const n = c.files.length;
  return (
    <div className="merge-conflict">
      {c.again && (
        <p className="small field-error" role="note">
          Asked again: {c.again}.
        </p>
      )}
      <dl className="tool-call-facts small" aria-label={`Merge of ${a.task_id}`}>
        <dt>Merging</dt>
        <dd>
          <code>{c.merging}</code>
        </dd>
        <dt>Into</dt>
        <dd>
          <code>{c.into}</code> <span className="muted">(the task’s branch)</span>
        </dd>
        {c.from.length > 1 && (
          <>
            <dt>Starts from</dt>
            <dd>
              {c.from.map((b, i) => (
                <span key={b}>
                  {i > 0 && ', then '}
                  <code>{b}</code>
                </span>
              ))}
            </dd>
          </>
        )}
        <dt>Task</dt>
        <dd>
          {a.task_id}, attempt {c.attempt}
        </dd>
      </dl>
      <p className="small">
        Conflicts in {n} file{n === 1 ? '' : 's'}:
      </p>
      <ul className="conflict-files small" aria-label="Conflicting files">
        {c.files.map((f) => {
          const kind = conflictKindLabel(f);
          return (
            <li key={f.path}>
              <code>{f.path}</code>
              {kind && <span className="muted"> {kind}</span>}
            </li>
          );
        })}
      </ul>
      <div className="worktree-path small">
        <span className="muted">Worktree</span>
        <code>{c.dir}</code>
        <CopyButton text={() => c.dir} what="the worktree path" />
      </div>
      <p className="small">
        Resolve the conflicts and commit in the worktree (Baton adds a file left without conflict markers for
        you), then <strong>Go on</strong>: the merge is concluded and the agent starts on it. If conflicts
        remain, you are asked again. <strong>Fail</strong> ends this attempt with the conflict.
      </p>
    </div>
  );
}
