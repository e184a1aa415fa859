import { useEffect, useState } from 'react';
import type { CheckEnvironment } from '../../../../src-shared/schemas/checks.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
import { inShell, shellSyntax } from '../../format/argv.ts';
import { useBaton } from '../../store/index.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import type { CheckDraft, CheckField, ChecksErrors } from './checks-draft.ts';
import { CHECK_LABELS, checkDraftsOf, checksErrorsOf, checksOf, EMPTY_CHECK } from './checks-draft.ts';

const PLACEHOLDERS: Record<CheckField, string> = {
  name: 'e.g. test',
  command: 'e.g. npm test',
  timeout_s: '600',
  junit: 'optional, e.g. junit.xml',
};

/**
 * Edits a workspace's checks (named commands run in a coding attempt's worktree after its agent
 * ended), saved as a whole with `workspaces.update`: every problem shows under its row's field.
 */
export function WorkspaceChecks({ w, onDone }: { w: Workspace; onDone(): void }) {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const loadWorkspaces = useBaton((s) => s.loadWorkspaces);
  const [rows, setRows] = useState<CheckDraft[]>(() => {
    const drafts = checkDraftsOf(w.checks ?? []);
    return drafts.length > 0 ? drafts : [EMPTY_CHECK];
  });
  const [errors, setErrors] = useState<ChecksErrors>({ rows: [] });
  const [busy, setBusy] = useState(false);
  const set = (i: number, k: CheckField) => (v: string) => {
    setRows((prev) => prev.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
    // A field edited drops its problem until the next save.
    setErrors((prev) => ({
      ...prev,
      rows: prev.rows.map((r, j) => (j === i ? { ...r, [k]: undefined } : r)),
    }));
  };
  const submit = async () => {
    // A row left wholly empty is no check.
    const kept = rows.filter((r) => Object.values(r).some((v) => v.trim() !== ''));
    const checked = checksOf(kept);
    if (!checked.ok) {
      setRows(kept.length > 0 ? kept : [EMPTY_CHECK]);
      return setErrors(checked.errors);
    }
    setBusy(true);
    try {
      await api.updateWorkspace({ workspace_id: w.id, checks: checked.checks });
      setErrors({ rows: [] });
      notify('info', `Saved the checks of workspace ${w.id}`);
      await loadWorkspaces();
      onDone();
    } catch (err) {
      const issues = contractIssues(err);
      if (issues.length === 0) fail(`The checks of ${w.id} were not saved`, err);
      else {
        setRows(kept);
        setErrors(checksErrorsOf(issues, kept.length));
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormPanel title={`Checks of workspace ${w.id}`} className="workspace-checks" onSubmit={submit}>
      <p className="muted small">
        Run in a coding task's worktree after its agent finished, in this workspace's sandbox, each command as
        its words (no shell). A failing check goes back to the agent with what failed (the task's fix rounds,
        default 2).
      </p>
      <CheckEnv workspaceId={w.id} />
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
        <fieldset key={i} className="check-row fields">
          <legend>Check {i + 1}</legend>
          {(['name', 'command', 'timeout_s', 'junit'] as const).map((k) => (
            <InputField
              key={k}
              label={CHECK_LABELS[k]}
              value={r[k]}
              onChange={set(i, k)}
              error={errors.rows[i]?.[k]}
              placeholder={PLACEHOLDERS[k]}
            />
          ))}
          <ShellNote command={r.command} onWrap={() => set(i, 'command')(inShell(r.command))} />
          <button
            type="button"
            className="link-button"
            aria-label={`Remove check ${i + 1}`}
            onClick={() => {
              setRows((prev) => prev.filter((_, j) => j !== i));
              setErrors({ rows: [] });
            }}
          >
            Remove
          </button>
        </fieldset>
      ))}
      <FormActions error={errors.form} busy={busy} submit="Save checks">
        <button type="button" onClick={() => setRows((prev) => [...prev, EMPTY_CHECK])}>
          Add a check
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </FormActions>
    </FormPanel>
  );
}

/**
 * Under a command that needs a shell (`npm ci && npm test`): it runs without one, so say what
 * would go wrong and offer to run it with `sh -c`, one click.
 */
function ShellNote({ command, onWrap }: { command: string; onWrap(): void }) {
  const needs = shellSyntax(command);
  if (!needs) return null;
  return (
    <p className="small shell-note" role="note">
      This command runs without a shell: {needs} is handed to the program as a word.{' '}
      <button type="button" className="link-button" onClick={onWrap}>
        Run it with sh -c
      </button>
    </p>
  );
}

/** The PATH, node and sh the workspace's checks will find, read from the host (`workspaces.checkEnv`). */
function CheckEnv({ workspaceId }: { workspaceId: string }) {
  const [env, setEnv] = useState<CheckEnvironment | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.checkEnv(workspaceId).then(
      (e) => live && setEnv(e),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [workspaceId]);
  if (error) return <p className="field-error small">What checks find could not be read: {error}</p>;
  if (!env) return null;
  return (
    <div className="small check-env" role="note" aria-label="What checks find">
      <p>
        {env.node ? (
          <>
            Checks get node <strong>{env.node.version ?? '(its version could not be read)'}</strong> at{' '}
            <code>{env.node.path}</code>
          </>
        ) : (
          <>Checks find no node on their PATH</>
        )}
        {env.shell ? (
          <>
            {' '}
            and <code>{env.shell}</code> for sh -c.
          </>
        ) : (
          '; no sh.'
        )}
      </p>
      <details>
        <summary>
          PATH ({env.path.length} folders{env.path_from_workspace ? ", the workspace's own" : ''})
        </summary>
        <ol className="check-env-path">
          {env.path.map((p, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: PATH's folders in order, a folder may repeat
            <li key={i}>
              <code>{p}</code>
            </li>
          ))}
        </ol>
        <p className="muted">Set PATH in the workspace's environment to give checks another.</p>
      </details>
    </div>
  );
}
