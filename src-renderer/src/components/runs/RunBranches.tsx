import { useEffect, useMemo, useRef, useState } from 'react';
import type { MergeReport } from '../../../../src-shared/contract/domains/runs.ts';
import { ContractError } from '../../../../src-shared/contract/errors.ts';
import type { Run, TaskRun } from '../../../../src-shared/schemas/run.ts';
import type { CodingOutput, TaskSession } from '../../../../src-shared/schemas/workspace.ts';
import { isCodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
import { fieldMessage } from '../../format/field-message.ts';
import { useBaton } from '../../store/index.ts';

const NO_SESSIONS: TaskSession[] = [];

/** A coding task's line: its branch, and once done its commit and +/-; its worktree's state. */
interface BranchRow {
  task_id: string;
  branch: string;
  output: CodingOutput | null;
  worktree: TaskSession['state'] | null;
}

const WORKTREE: Record<TaskSession['state'], string> = {
  active: 'worktree in use',
  kept: 'worktree kept',
  removed: 'worktree removed',
};

/**
 * The run's coding tasks as branches (issue 15): each task's branch, commit and +/-, whether its
 * worktree is kept; once the run has ended, "Merge branches…" merges the final ones into a
 * branch the person names, after they confirm.
 */
export function RunBranches({ run, tasks }: { run: Run; tasks: Record<string, TaskRun> }) {
  const loadSessions = useBaton((s) => s.loadSessions);
  const sessions = useBaton((s) => s.sessions[run.id] ?? NO_SESSIONS);
  useEffect(() => {
    void loadSessions(run.id);
  }, [loadSessions, run.id]);
  const rows = useMemo(() => {
    const out = new Map<string, BranchRow>();
    for (const s of sessions)
      out.set(s.task_id, { task_id: s.task_id, branch: s.branch, output: null, worktree: s.state });
    for (const t of Object.values(tasks))
      if (isCodingOutput(t.output))
        out.set(t.task_id, {
          task_id: t.task_id,
          branch: t.output.branch,
          output: t.output,
          worktree: out.get(t.task_id)?.worktree ?? null,
        });
    return [...out.values()].sort((a, b) => a.task_id.localeCompare(b.task_id));
  }, [sessions, tasks]);
  if (rows.length === 0) return null;
  const mergeable =
    run.status !== 'executing' && rows.some((r) => r.output && tasks[r.task_id]?.status === 'done');
  return (
    <details open className="run-branches">
      <summary>Branches</summary>
      <ul aria-label="Branches of the run">
        {rows.map((r) => (
          <li key={r.task_id}>
            <strong>{r.task_id}</strong> <code>{r.branch}</code>
            {r.output && (
              <>
                {' '}
                at <code>{r.output.commit.slice(0, 10)}</code>{' '}
                <span className="review-add">+{r.output.additions}</span>{' '}
                <span className="review-del">−{r.output.deletions}</span>
              </>
            )}
            {r.worktree && <span className="muted small"> · {WORKTREE[r.worktree]}</span>}
          </li>
        ))}
      </ul>
      {mergeable ? (
        <MergeBranches run={run} />
      ) : (
        run.status === 'executing' && (
          <p className="muted small">
            Once the run has ended, its final branches can be merged into a branch of yours.
          </p>
        )
      )}
    </details>
  );
}

/** "Merge branches…": target and mode, a confirmation, and what git did (or the conflict, naming the files). */
function MergeBranches({ run }: { run: Run }) {
  const fail = useBaton((s) => s.fail);
  const dialog = useRef<HTMLDialogElement>(null);
  const [target, setTarget] = useState('main');
  const [mode, setMode] = useState<'ff' | 'merge'>('ff');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reports, setReports] = useState<MergeReport[] | null>(null);
  const merge = async () => {
    if (target.trim() === '') return setError('Target branch is required');
    setBusy(true);
    setError(null);
    try {
      setReports(await api.mergeBranches(run.id, target.trim(), mode));
      dialog.current?.close();
    } catch (err) {
      // The host's word on the target (checked out, not a branch, bad input) goes under the field.
      const issue = contractIssues(err).find((i) => i.path === 'target');
      const field =
        err instanceof ContractError ? (err.details as { field?: unknown } | undefined)?.field : undefined;
      if (issue) setError(fieldMessage('Target branch', issue.message));
      else if (field === 'target' && err instanceof ContractError)
        setError(fieldMessage('Target branch', err.message.replace(/^target: /, '')));
      else fail('The branches were not merged', err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="merge-branches">
      <button type="button" onClick={() => dialog.current?.showModal()}>
        Merge branches…
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={`merge-${run.id}`}>
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            void merge();
          }}
        >
          <h2 id={`merge-${run.id}`}>Merge the run's branches</h2>
          <p className="small">
            The final branches of this run (those no other task built on) are merged into the target branch of
            each workspace. Your checkout is not touched; a conflict merges nothing more and names the files.
          </p>
          <label>
            Target branch
            <input
              type="text"
              value={target}
              aria-invalid={error ? true : undefined}
              onChange={(e) => setTarget(e.target.value)}
            />
            {error && <span className="field-error">{error}</span>}
          </label>
          <fieldset>
            <legend>How</legend>
            <label className="check">
              <input type="radio" name="mode" checked={mode === 'ff'} onChange={() => setMode('ff')} />{' '}
              Fast-forward when it can (a merge commit otherwise)
            </label>
            <label className="check">
              <input type="radio" name="mode" checked={mode === 'merge'} onChange={() => setMode('merge')} />{' '}
              Always a merge commit
            </label>
          </fieldset>
          <div className="actions">
            <button type="button" onClick={() => dialog.current?.close()}>
              Not now
            </button>
            <button type="submit" className="primary" disabled={busy}>
              Merge into {target.trim() || '…'}
            </button>
          </div>
        </form>
      </dialog>
      {reports && <MergeResult reports={reports} />}
    </div>
  );
}

function MergeResult({ reports }: { reports: MergeReport[] }) {
  return (
    <output className="merge-result" aria-label="Merge result">
      {reports.map((r) =>
        r.ok ? (
          <p key={r.workspace_id} className="small">
            {r.workspace_id}: <code>{r.target}</code> {r.before.slice(0, 10)} → {r.after.slice(0, 10)} (
            {r.steps.map((s) => `${s.branch} ${s.how}`).join(', ')})
          </p>
        ) : (
          <div key={r.workspace_id} className="small field-error">
            {r.workspace_id}: <code>{r.conflict.branch}</code> conflicts with <code>{r.target}</code> in{' '}
            {r.conflict.files.join(', ')}; nothing more was merged
            {r.conflict.merged_before.length > 0 &&
              ` (merged before it: ${r.conflict.merged_before.join(', ')})`}
            .
          </div>
        ),
      )}
    </output>
  );
}
