import { useState } from 'react';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { envText, parseEnv } from '../../format/argv.ts';
import { useBaton } from '../../store/index.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { keepPatterns, setupArgvOf, setupTextOf, WORKSPACE_LABELS } from './workspace-form.ts';

type Field = 'setup' | 'env' | 'keep';

/**
 * Edits what prepares a workspace's worktrees: its setup script (run in each new worktree before
 * the agent: one plain line is its words; several lines, or one a shell must read, run with
 * `sh -c`; empty: none), the environment given to the setup, checks and agents, and the ignored
 * paths a reused worktree keeps between attempts. Saved with `workspaces.update`, each field the
 * person changed; a field's problem is said under it and nothing is saved.
 */
export function WorkspaceSetup({ w, onDone }: { w: Workspace; onDone(): void }) {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const upsert = useBaton((s) => s.upsertWorkspace);
  const [text, setText] = useState(setupTextOf(w.setup_command));
  const [env, setEnv] = useState(envText(w.env));
  const [keep, setKeep] = useState(w.keep_ignored.join(', '));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const setup = setupArgvOf(text);
    const vars = parseEnv(env);
    const kept = keepPatterns(keep);
    const found: Partial<Record<Field, string>> = {};
    if (!setup.ok) found.setup = `Setup script ${setup.error}`;
    if (!vars.ok) found.env = `${WORKSPACE_LABELS.env}: ${vars.error}`;
    if (!kept.ok) found.keep = `${WORKSPACE_LABELS.keep_ignored}: ${kept.error}`;
    setErrors(found);
    if (!setup.ok || !vars.ok || !kept.ok) return;
    setBusy(true);
    try {
      upsert(
        await api.updateWorkspace({
          workspace_id: w.id,
          setup_command: setup.argv,
          env: vars.env,
          keep_ignored: kept.patterns,
        }),
      );
      notify('info', `Saved how worktrees of ${w.id} are prepared`, [
        setup.argv ? 'Its setup script runs in each new worktree.' : 'No setup script.',
      ]);
      onDone();
    } catch (err) {
      fail(`The setup of ${w.id} was not saved`, err);
    } finally {
      setBusy(false);
    }
  };
  const message = (field: Field, hint: string) => (
    <span className="field-message">
      {!errors[field] && <span className="field-hint">{hint}</span>}
      <span className="field-error">{errors[field]}</span>
    </span>
  );
  return (
    <FormPanel title={`Setup of workspace ${w.id}`} className="workspace-setup" onSubmit={submit}>
      <label className="wide">
        Setup script
        <textarea
          rows={4}
          value={text}
          placeholder={'npm ci\nnpm run build'}
          aria-invalid={errors.setup ? true : undefined}
          onChange={(e) => setText(e.target.value)}
        />
        {message(
          'setup',
          "Runs in each new worktree before the agent starts, in the workspace's sandbox; several lines, or one a shell must read (&&, |), run with sh. Empty: no setup.",
        )}
      </label>
      <label className="wide">
        {WORKSPACE_LABELS.env}
        <textarea
          rows={3}
          value={env}
          placeholder={'NODE_ENV=test\nNPM_TOKEN=secret:npm.token'}
          aria-invalid={errors.env ? true : undefined}
          onChange={(e) => setEnv(e.target.value)}
        />
        {message(
          'env',
          'Given to the setup script, the checks and every agent working here. One NAME=value a line; NAME=secret:KEY takes a secret’s value (Settings → Secrets).',
        )}
      </label>
      <label className="wide">
        {WORKSPACE_LABELS.keep_ignored}
        <input
          type="text"
          value={keep}
          placeholder="node_modules/, .venv/"
          aria-invalid={errors.keep ? true : undefined}
          onChange={(e) => setKeep(e.target.value)}
        />
        {message(
          'keep',
          'Ignored folders a reused worktree keeps from its last attempt, so the setup has little to do. A path git does not ignore is never kept.',
        )}
      </label>
      <FormActions busy={busy} submit="Save setup">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </FormActions>
    </FormPanel>
  );
}
