import { useState } from 'react';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { setupArgvOf, setupTextOf } from './workspace-form.ts';

/**
 * Edits a workspace's setup script (run in each new worktree before the agent): one plain line is
 * its words; several lines, or one a shell must read, run with `sh -c`. Empty: no setup. Saved
 * with `workspaces.update`.
 */
export function WorkspaceSetup({ w, onDone }: { w: Workspace; onDone(): void }) {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const upsert = useBaton((s) => s.upsertWorkspace);
  const [text, setText] = useState(setupTextOf(w.setup_command));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const setup = setupArgvOf(text);
    if (!setup.ok) return setError(`Setup script ${setup.error}`);
    setBusy(true);
    try {
      upsert(await api.updateWorkspace({ workspace_id: w.id, setup_command: setup.argv }));
      notify('info', setup.argv ? `Saved the setup script of ${w.id}` : `Workspace ${w.id} has no setup now`);
      onDone();
    } catch (err) {
      fail(`The setup script of ${w.id} was not saved`, err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormPanel title={`Setup of workspace ${w.id}`} className="workspace-setup" onSubmit={submit}>
      <label className="wide">
        Setup script
        <textarea
          rows={4}
          value={text}
          placeholder={'npm ci\nnpm run build'}
          aria-invalid={error ? true : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
        />
        <span className="field-message">
          {!error && (
            <span className="field-hint">
              Runs in each new worktree before the agent starts, in the workspace's sandbox; several lines, or
              one a shell must read (&amp;&amp;, |), run with sh. Empty: no setup.
            </span>
          )}
          <span className="field-error">{error}</span>
        </span>
      </label>
      <FormActions busy={busy} submit="Save setup">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </FormActions>
    </FormPanel>
  );
}
