import { useEffect, useRef, useState } from 'react';
import type { MergeReport } from '../../../../src-shared/contract/domains/runs.ts';
import { ContractError } from '../../../../src-shared/contract/errors.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
import { fieldMessage } from '../../format/field-message.ts';
import { useBaton } from '../../store/index.ts';

/** The branch "Merge branches…" offers first: a new one of the run's own, so no checkout of the person's moves. */
export const newMergeBranch = (runId: string) => `baton/merge/${runId}`;

/**
 * "Merge branches…": into a new branch (offered first, made from each workspace's base branch)
 * or one that exists, fast-forward or merge commits, after the person confirms; then what git
 * did, or the conflict naming the files. The host's refusal of the target (checked out, exists
 * already, not a branch name) is said under the field.
 */
export function MergeBranches({ run, workspaceIds }: { run: Run; workspaceIds: readonly string[] }) {
  const fail = useBaton((s) => s.fail);
  const bases = useBaseBranches(workspaceIds);
  const dialog = useRef<HTMLDialogElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [create, setCreate] = useState(true);
  const [target, setTarget] = useState(() => newMergeBranch(run.id));
  const [mode, setMode] = useState<'ff' | 'merge'>('ff');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reports, setReports] = useState<MergeReport[] | null>(null);
  const pick = (makeNew: boolean) => {
    setCreate(makeNew);
    setError(null);
    // The new branch's name is no branch that exists: the person names one.
    if (!makeNew && target === newMergeBranch(run.id)) setTarget('');
    if (makeNew && target.trim() === '') setTarget(newMergeBranch(run.id));
    if (!makeNew) field.current?.focus();
  };
  const merge = async () => {
    if (target.trim() === '') return setError('Target branch is required');
    setBusy(true);
    setError(null);
    try {
      setReports(await api.mergeBranches(run.id, target.trim(), mode, create));
      dialog.current?.close();
    } catch (err) {
      const said = targetRefusal(err);
      if (said) setError(said);
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
          <fieldset>
            <legend>Into</legend>
            <label className="check">
              <input type="radio" name="into" checked={create} onChange={() => pick(true)} /> A new branch,
              made from {bases}
            </label>
            <label className="check">
              <input type="radio" name="into" checked={!create} onChange={() => pick(false)} /> A branch that
              exists (not one checked out in your checkout)
            </label>
          </fieldset>
          <label>
            Target branch
            <input
              ref={field}
              type="text"
              value={target}
              spellCheck={false}
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

/** The host's word on the target (checked out, exists, not a branch, bad input), for under the field; null for any other failure. */
function targetRefusal(err: unknown): string | null {
  const issue = contractIssues(err).find((i) => i.path === 'target');
  if (issue) return fieldMessage('Target branch', issue.message);
  const field =
    err instanceof ContractError ? (err.details as { field?: unknown } | undefined)?.field : undefined;
  if (field === 'target' && err instanceof ContractError)
    return fieldMessage('Target branch', err.message.replace(/^target: /, ''));
  return null;
}

/** "the base branch of each workspace (main)": where a new target starts, as the workspaces list says. */
function useBaseBranches(ids: readonly string[]): string {
  const loaded = useBaton((s) => s.workspacesLoaded);
  const load = useBaton((s) => s.loadWorkspaces);
  const names = useBaton((s) =>
    [...new Set(s.workspaces.filter((w) => ids.includes(w.id)).map((w) => w.base_branch))].join(', '),
  );
  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);
  const whose = ids.length > 1 ? 'the base branch of each workspace' : "the workspace's base branch";
  return names === '' ? whose : `${whose} (${names})`;
}

function MergeResult({ reports }: { reports: MergeReport[] }) {
  return (
    <output className="merge-result" aria-label="Merge result">
      {reports.map((r) =>
        r.ok ? (
          <p key={r.workspace_id} className="small">
            {r.workspace_id}: <code>{r.target}</code>{' '}
            {r.created_from !== null && (
              <>
                made from <code>{r.created_from}</code> at{' '}
              </>
            )}
            {r.before.slice(0, 10)} → {r.after.slice(0, 10)} (
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
