import { useState } from 'react';
import { ContractError } from '../../../../src-shared/contract/errors.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
import { useBaton } from '../../store/index.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { MoreFields } from '../shared/MoreFields.tsx';
import type { WorkspaceDraft, WorkspaceErrors } from './workspace-form.ts';
import { checkWorkspace, EMPTY_WORKSPACE, WORKSPACE_LABELS, workspaceErrorsOf } from './workspace-form.ts';

/** Registers a repository: every problem shows under its field, the host's too (not a git repository, no such branch). */
export function WorkspaceForm() {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const [d, setD] = useState<WorkspaceDraft>(EMPTY_WORKSPACE);
  const [errors, setErrors] = useState<WorkspaceErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof WorkspaceDraft) => (v: string) => setD((prev) => ({ ...prev, [k]: v }));
  const submit = async () => {
    const checked = checkWorkspace(d);
    if (!checked.ok) return setErrors(checked.errors);
    setBusy(true);
    try {
      const w = await api.addWorkspace(checked.input);
      setErrors({});
      setD(EMPTY_WORKSPACE);
      notify('info', `Added workspace ${w.id}`, [`${w.path}, base branch ${w.base_branch}`]);
    } catch (err) {
      const issues = contractIssues(err);
      const field =
        err instanceof ContractError ? (err.details as { field?: unknown } | undefined)?.field : undefined;
      if (issues.length > 0) setErrors(workspaceErrorsOf(issues));
      else if (err instanceof ContractError && err.code === 'conflict' && field === 'id')
        setErrors({ id: `Id: ${err.message}` });
      else fail('The workspace was not added', err);
    } finally {
      setBusy(false);
    }
  };
  const field = (key: keyof WorkspaceDraft, placeholder: string, hint: string) => (
    <InputField
      label={WORKSPACE_LABELS[key]}
      value={d[key]}
      onChange={set(key)}
      error={errors[key]}
      hint={hint}
      placeholder={placeholder}
    />
  );
  return (
    <FormPanel title="Add a workspace" className="workspace-form" onSubmit={submit}>
      <div className="fields">
        {field('id', 'e.g. webapp', 'What plans call it: "workspace": "webapp".')}
        {field('path', '/home/you/src/webapp', 'A git repository on this machine, as an absolute path.')}
        {field(
          'base_branch',
          'e.g. main',
          "Optional. Tasks branch from it; empty: the repository's current branch.",
        )}
        {field(
          'setup_command',
          'e.g. npm ci',
          'Optional. Runs in each new worktree before the agent starts.',
        )}
        {field(
          'keep_ignored',
          'e.g. node_modules/',
          'Optional. Ignored folders a reused worktree keeps from its last attempt, so setup has little to do.',
        )}
      </div>
      <MoreFields
        summary="Environment variables (optional)"
        filled={d.env !== ''}
        hasError={Boolean(errors.env)}
      >
        <label className="wide">
          {WORKSPACE_LABELS.env}
          <textarea
            rows={3}
            placeholder={'NODE_ENV=test\nTOKEN=secret:gh.token'}
            value={d.env}
            aria-invalid={errors.env ? true : undefined}
            onChange={(e) => set('env')(e.target.value)}
          />
          <span className="field-message">
            {!errors.env && (
              <span className="field-hint">
                One NAME=value a line; NAME=secret:KEY takes a secret's value.
              </span>
            )}
            <span className="field-error">{errors.env}</span>
          </span>
        </label>
      </MoreFields>
      <FormActions error={errors.form} busy={busy} submit="Add workspace" />
    </FormPanel>
  );
}
