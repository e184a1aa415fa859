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

/**
 * Edits a workspace's sandbox policy (the OS sandbox its setup command runs in), saved with
 * `workspaces.update`: the host's word on a line shows under its field.
 */
export function WorkspaceSandbox({ w, onDone }: { w: Workspace; onDone(): void }) {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const loadWorkspaces = useBaton((s) => s.loadWorkspaces);
  const [d, setD] = useState<SandboxDraft>(sandboxDraftOf(w.sandbox));
  const [errors, setErrors] = useState<Partial<Record<SandboxField | 'form', string>>>({});
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      const sandbox = sandboxPolicyOf(d) ?? DEFAULT_SANDBOX;
      await api.updateWorkspace({ workspace_id: w.id, sandbox });
      setErrors({});
      notify('info', `Saved the sandbox of workspace ${w.id}`);
      await loadWorkspaces();
      onDone();
    } catch (err) {
      const issues = contractIssues(err);
      if (issues.length === 0) fail(`The sandbox of ${w.id} was not saved`, err);
      else {
        const next: Partial<Record<SandboxField | 'form', string>> = {};
        for (const { path, message } of issues) {
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
      <FormActions error={errors.form} busy={busy} submit="Save sandbox">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </FormActions>
    </FormPanel>
  );
}
