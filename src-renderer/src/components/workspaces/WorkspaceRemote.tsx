import { useEffect, useRef, useState } from 'react';
import { BUILT_FORGES, FORGE_KINDS, FORGE_LABELS } from '../../../../src-shared/schemas/plain/forge.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
import { useBaton } from '../../store/index.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import type { RemoteDraft, RemoteErrors } from './remote-form.ts';
import {
  FORGE_FIELD_HINTS,
  originDraft,
  REMOTE_LABELS,
  remoteDraftOf,
  remoteErrorsOf,
  remoteInputOf,
} from './remote-form.ts';

/**
 * Edits where a workspace's work lands: its git remote and the forge that hosts it (saved with
 * `workspaces.update`); the token is named as a secret, never typed here. An empty URL clears it.
 */
export function WorkspaceRemote({ w, onDone }: { w: Workspace; onDone(): void }) {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const loadWorkspaces = useBaton((s) => s.loadWorkspaces);
  const [d, setD] = useState<RemoteDraft>(remoteDraftOf(w.remote));
  const [errors, setErrors] = useState<RemoteErrors>({});
  const [busy, setBusy] = useState(false);
  const origin = useOriginOffer(w, (draft) => setD(draft));
  // A field's error goes once it is edited: what shows is about what is there. Another forge
  // makes its fields' errors stale too (Gitea's required address is optional on GitHub).
  const set = (k: keyof RemoteDraft) => (v: string) => {
    setD((prev) => ({ ...prev, [k]: v }));
    setErrors((prev) =>
      k === 'forge' ? { url: prev.url, base_branch: prev.base_branch } : { ...prev, [k]: undefined },
    );
  };
  const submit = async () => {
    setBusy(true);
    try {
      const remote = remoteInputOf(d);
      await api.updateWorkspace({ workspace_id: w.id, remote });
      setErrors({});
      notify(
        'info',
        remote ? `Saved the remote of workspace ${w.id}` : `Workspace ${w.id} has no remote now`,
      );
      await loadWorkspaces();
      onDone();
    } catch (err) {
      const issues = contractIssues(err);
      if (issues.length === 0) fail(`The remote of ${w.id} was not saved`, err);
      else setErrors(remoteErrorsOf(issues));
    } finally {
      setBusy(false);
    }
  };
  const field = (key: Exclude<keyof RemoteDraft, 'forge'>, placeholder: string, hint: string) => (
    <InputField
      label={REMOTE_LABELS[key]}
      value={d[key]}
      onChange={set(key)}
      error={errors[key]}
      hint={hint}
      placeholder={placeholder}
    />
  );
  return (
    <FormPanel title={`Remote of workspace ${w.id}`} className="workspace-remote" onSubmit={submit}>
      <p className="muted small">
        Where plans that land their work push branches and open pull requests. Empty URL: the work stays on
        this machine.
      </p>
      {origin && (
        <p className="small origin-note" role="note">
          Filled in from the repository's origin, <code>{origin}</code>: check the token secret's name, then
          save.
        </p>
      )}
      <div className="fields">
        {field(
          'url',
          'https://github.com/acme/app.git',
          'The git remote Baton pushes to; no password in it.',
        )}
        {field(
          'base_branch',
          `e.g. ${w.base_branch}`,
          `Optional. Pull requests target it; empty: ${w.base_branch}.`,
        )}
        <label>
          {REMOTE_LABELS.forge}
          <select
            value={d.forge}
            aria-label={REMOTE_LABELS.forge}
            aria-invalid={errors.forge ? true : undefined}
            onChange={(e) => set('forge')(e.target.value)}
          >
            <option value="none">None (push only)</option>
            {FORGE_KINDS.map((k) => (
              <option key={k} value={k}>
                {FORGE_LABELS[k]}
                {BUILT_FORGES.includes(k) ? '' : ' (not built yet)'}
              </option>
            ))}
          </select>
          <span className="field-message">
            {!errors.forge && (
              <span className="field-hint">Where pull requests are opened and followed.</span>
            )}
            <span className="field-error">{errors.forge}</span>
          </span>
        </label>
        {d.forge !== 'none' && (
          <>
            {field('repo', 'acme/app', FORGE_FIELD_HINTS[d.forge].repo)}
            {field(
              'token_secret',
              'e.g. github.token',
              'The name of the secret holding the forge token (set it under Secrets or as BATON_SECRET_<NAME>).',
            )}
            {field(
              'api_url',
              FORGE_FIELD_HINTS[d.forge].api_url.placeholder,
              FORGE_FIELD_HINTS[d.forge].api_url.hint,
            )}
            {field('webhook_secret', `e.g. ${d.forge}.hook`, FORGE_FIELD_HINTS[d.forge].webhook_secret)}
          </>
        )}
      </div>
      <FormActions error={errors.form} busy={busy} submit="Save remote">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </FormActions>
    </FormPanel>
  );
}

/**
 * A workspace without a remote whose repository has an `origin`: the form starts filled in from
 * it (the URL, and the forge its host is on with a token secret named after it); the origin's
 * URL when it did, else null.
 */
function useOriginOffer(w: Workspace, fill: (d: RemoteDraft) => void): string | null {
  const [origin, setOrigin] = useState<string | null>(null);
  const filled = useRef(fill);
  filled.current = fill;
  const { path, remote, missing } = w;
  useEffect(() => {
    if (remote || missing) return;
    let live = true;
    api.inspectFolder(path).then(
      (facts) => {
        if (!live || !facts.origin) return;
        setOrigin(facts.origin.url);
        filled.current(originDraft(facts.origin));
      },
      // Nothing offered: the form is empty, as it was.
      () => {},
    );
    return () => {
      live = false;
    };
  }, [path, remote, missing]);
  return origin;
}
