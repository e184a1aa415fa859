import { useState } from 'react';
import { DEFAULT_SANDBOX } from '../../../../src-shared/schemas/sandbox.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
import { useBaton } from '../../store/index.ts';
import { AllowedHosts } from '../sandbox/AllowedHosts.tsx';
import { SandboxFields } from '../sandbox/SandboxFields.tsx';
import type { SandboxDraft, SandboxField } from '../sandbox/sandbox-draft.ts';
import { sandboxDraftOf, sandboxFieldOf, sandboxMessage, sandboxPolicyOf } from '../sandbox/sandbox-draft.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { FORWARD_PORTS_LABEL } from './workspace-form.ts';

/**
 * Edits a workspace's sandbox policy (the OS sandbox its setup command runs in) and whether its
 * agents' dev servers in their sandboxes are reached from this machine (`forward_ports`), saved
 * with `workspaces.update`: the host's word on a line shows under its field.
 */
export function WorkspaceSandbox({ w, onDone }: { w: Workspace; onDone(): void }) {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const loadWorkspaces = useBaton((s) => s.loadWorkspaces);
  const [d, setD] = useState<SandboxDraft>(sandboxDraftOf(w.sandbox));
  const [forward, setForward] = useState(w.forward_ports);
  const [errors, setErrors] = useState<Partial<Record<SandboxField | 'form' | 'forward_ports', string>>>({});
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      const sandbox = sandboxPolicyOf(d) ?? DEFAULT_SANDBOX;
      await api.updateWorkspace({ workspace_id: w.id, sandbox, forward_ports: forward });
      setErrors({});
      notify('info', `Saved the sandbox of workspace ${w.id}`);
      await loadWorkspaces();
      onDone();
    } catch (err) {
      const issues = contractIssues(err);
      if (issues.length === 0) fail(`The sandbox of ${w.id} was not saved`, err);
      else {
        const next: Partial<Record<SandboxField | 'form' | 'forward_ports', string>> = {};
        for (const { path, message } of issues) {
          if (path === 'forward_ports') {
            next.forward_ports ??= message;
            continue;
          }
          const inside = path.replace(/^sandbox\.?/, '');
          const field = inside === path ? 'form' : sandboxFieldOf(inside);
          next[field] ??= sandboxMessage(inside, message);
        }
        setErrors(next);
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormPanel title={`Sandbox of workspace ${w.id}`} className="workspace-sandbox" onSubmit={submit}>
      <SandboxFields draft={d} errors={errors} onChange={setD} whose="its setup command" />
      <AllowedHosts owner={{ workspace: w.id }} />
      <div className="workspace-forward wide">
        <label className="check">
          <input type="checkbox" checked={forward} onChange={(e) => setForward(e.target.checked)} />
          {FORWARD_PORTS_LABEL}
        </label>
        <span className="field-message">
          {!errors.forward_ports && (
            <span className="field-hint">
              A server its coding agents start in their sandbox on their worktree’s ports (<code>PORT</code>)
              is reached at http://127.0.0.1:&lt;port&gt;/ here while the agent runs. It costs two small
              helper processes per running agent (about 20 MB each) and a slower start of every attempt, so it
              is off unless you need it. Attempts started after you save get it.
            </span>
          )}
          <span className="field-error">{errors.forward_ports}</span>
        </span>
      </div>
      <FormActions error={errors.form} busy={busy} submit="Save sandbox">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </FormActions>
    </FormPanel>
  );
}
