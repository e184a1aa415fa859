import { useState } from 'react';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
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
        Run in a coding task's worktree after its agent finished, in this workspace's sandbox. A failing check
        goes back to the agent with what failed (the task's fix_rounds, default 2).
      </p>
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
