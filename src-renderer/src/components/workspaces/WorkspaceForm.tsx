import { useId, useState } from 'react';
import type { RepositoryFacts } from '../../../../src-shared/contract/domains/workspaces.ts';
import { ContractError } from '../../../../src-shared/contract/errors.ts';
import { FORGE_LABELS } from '../../../../src-shared/schemas/plain/forge.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
import { useBaton } from '../../store/index.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { MoreFields } from '../shared/MoreFields.tsx';
import { FolderPicker } from './FolderPicker.tsx';
import type { WorkspaceDraft, WorkspaceErrors } from './workspace-form.ts';
import {
  checkWorkspace,
  EMPTY_WORKSPACE,
  idOfFolder,
  originRemote,
  WORKSPACE_LABELS,
  workspaceErrorsOf,
} from './workspace-form.ts';

/**
 * Registers a repository, folder first (typed, or chosen with Browse… in the app): what the host
 * reads of it fills the rest (an id from its folder's name, its branch, its origin offered as
 * where its work lands); a setup script runs in each new worktree. Every problem shows under its
 * field, the host's too (not a git repository, no such branch).
 */
export function WorkspaceForm({ onDone }: { onDone?: (() => void) | undefined }) {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const [d, setD] = useState<WorkspaceDraft>(EMPTY_WORKSPACE);
  const [errors, setErrors] = useState<WorkspaceErrors>({});
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false);
  const [facts, setFacts] = useState<RepositoryFacts | null>(null);
  const [useOrigin, setUseOrigin] = useState(true);
  const noteOf = useId();
  const set = (k: keyof WorkspaceDraft) => (v: string) => setD((prev) => ({ ...prev, [k]: v }));
  /** Reads the folder (its top folder, branch, origin) and fills what is still empty. */
  const look = async (path: string) => {
    const p = path.trim();
    if (!p.startsWith('/')) return;
    try {
      const f = await api.inspectFolder(p);
      setFacts(f);
      setErrors((e) => ({ ...e, path: undefined }));
      setD((prev) => ({ ...prev, path: f.path, id: prev.id || idOfFolder(f.path) }));
    } catch {
      // Said when the form is sent: a folder typed half-way, or left for Browse…, is no error yet.
      setFacts(null);
    }
  };
  const submit = async () => {
    const checked = checkWorkspace(d);
    if (!checked.ok) return setErrors(checked.errors);
    setBusy(true);
    try {
      const remote = useOrigin && facts?.origin ? originRemote(facts.origin) : undefined;
      const w = await api.addWorkspace({ ...checked.input, ...(remote ? { remote } : {}) });
      setErrors({});
      setD(EMPTY_WORKSPACE);
      setFacts(null);
      notify('info', `Added workspace ${w.id}`, [
        `${w.path}, base branch ${w.base_branch}`,
        ...(w.remote ? [`its work lands on ${w.remote.url}`] : []),
      ]);
      onDone?.();
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
  const origin = facts?.origin;
  return (
    <FormPanel title="Add a workspace" className="workspace-form" onSubmit={submit}>
      <div className="fields">
        <div className="folder-field">
          <label>
            {WORKSPACE_LABELS.path}
            <span className="folder-input">
              <input
                type="text"
                value={d.path}
                placeholder="/home/you/src/webapp"
                aria-label={WORKSPACE_LABELS.path}
                aria-describedby={`${noteOf}-path`}
                aria-invalid={errors.path ? true : undefined}
                onChange={(e) => set('path')(e.target.value)}
                onBlur={(e) => void look(e.target.value)}
              />
              <button type="button" onClick={() => setPicking(true)}>
                Browse…
              </button>
            </span>
            <span className="field-message" id={`${noteOf}-path`}>
              {!errors.path && (
                <span className="field-hint">
                  {facts?.registered_as
                    ? `Registered already, as ${facts.registered_as}.`
                    : 'A git repository on this machine; Browse… picks one.'}
                </span>
              )}
              <span className="field-error">{errors.path}</span>
            </span>
          </label>
        </div>
        {field('id', 'e.g. webapp', 'What plans call it; from the folder’s name.')}
        {field(
          'base_branch',
          facts?.branch ? `${facts.branch} (checked out now)` : 'e.g. main',
          "Optional. Tasks branch from it; empty: the repository's current branch.",
        )}
        {field(
          'keep_ignored',
          'e.g. node_modules/',
          'Optional. Ignored folders a reused worktree keeps from its last attempt, so setup has little to do.',
        )}
        <label className="wide">
          {WORKSPACE_LABELS.setup_command}
          <textarea
            rows={2}
            value={d.setup_command}
            placeholder={'e.g. npm ci\nnpm run build'}
            aria-label={WORKSPACE_LABELS.setup_command}
            aria-describedby={`${noteOf}-setup`}
            aria-invalid={errors.setup_command ? true : undefined}
            onChange={(e) => set('setup_command')(e.target.value)}
          />
          <span className="field-message" id={`${noteOf}-setup`}>
            {!errors.setup_command && (
              <span className="field-hint">
                Optional. Runs in each new worktree before the agent starts; several lines, or one a shell
                must read (&amp;&amp;, |), run with sh.
              </span>
            )}
            <span className="field-error">{errors.setup_command}</span>
          </span>
        </label>
      </div>
      {origin && (
        <label className="check origin-offer">
          <input type="checkbox" checked={useOrigin} onChange={(e) => setUseOrigin(e.target.checked)} />
          Land its work on its origin, <code>{origin.url}</code>
          {origin.forge
            ? ` (${FORGE_LABELS[origin.forge.kind]} ${origin.forge.repo}; the token is the secret ${origin.forge.kind}.token)`
            : ' (push only: name its forge later, under Remote)'}
        </label>
      )}
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
      <FormActions error={errors.form} busy={busy} submit="Add workspace">
        {onDone && (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </FormActions>
      {picking && (
        <FolderPicker
          start={d.path}
          onClose={() => setPicking(false)}
          onPick={(path) => {
            set('path')(path);
            void look(path);
          }}
        />
      )}
    </FormPanel>
  );
}
