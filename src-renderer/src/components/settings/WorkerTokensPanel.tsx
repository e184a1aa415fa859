import { useCallback, useEffect, useState } from 'react';
import type { WorkerToken, WorkerTokenCreated } from '../../../../src-shared/schemas/worker-token.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import type { FieldErrors } from '../reach/field-errors.ts';
import { fieldErrorsOf, whenIn } from '../reach/field-errors.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { ShownOnce } from '../shared/ShownOnce.tsx';

/**
 * Settings → Worker tokens: what `baton worker` on another machine presents instead of the UI's
 * token. A worker token opens the worker API only (pulling tasks, leases, progress, completions);
 * made here, it is shown once with the command to copy; revoked, its worker stops at its next
 * request. Each token speaks for one worker id (named here, or claimed by its first registration).
 */
export function WorkerTokensPanel() {
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [tokens, setTokens] = useState<WorkerToken[] | null>(null);
  const [created, setCreated] = useState<WorkerTokenCreated | null>(null);
  const load = useCallback(async () => {
    try {
      setTokens(await api.listWorkerTokens());
    } catch (err) {
      setTokens([]);
      fail('Could not list the worker tokens', err);
    }
  }, [fail]);
  useEffect(() => {
    void load();
  }, [load]);
  const revoke = async (t: WorkerToken) => {
    try {
      await api.revokeWorkerToken(t.id);
      notify('info', `Revoked worker token ${t.name}`, ['A worker using it stops at its next request.']);
      if (created?.token.id === t.id) setCreated(null);
      await load();
    } catch (err) {
      fail(`Worker token ${t.name} was not revoked`, err);
    }
  };
  return (
    <>
      <p className="muted small intro">
        A remote worker (<code>baton worker</code> on another machine) runs its own agents for this Baton: it
        pulls their tasks, reports progress and hands back results. Give it a worker token, never the UI’s: a
        worker token opens only what a worker needs, and can be revoked. Workers reach{' '}
        <code>baton serve</code>; to reach it from another machine, start it with <code>--host</code>.
      </p>
      {created && <CreatedToken created={created} onDone={() => setCreated(null)} />}
      {tokens === null ? (
        <p className="muted">Loading…</p>
      ) : tokens.length === 0 ? (
        <p className="empty muted">No worker tokens yet. Create one below.</p>
      ) : (
        <table className="tasks worker-tokens" aria-label="Worker tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Worker</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <th scope="row">
                  <div>{t.name}</div>
                  <code className="muted small path">{t.id}</code>
                </th>
                <td className="small">
                  {t.worker_id ? (
                    <code>{t.worker_id}</code>
                  ) : (
                    <span className="muted">the first worker that registers with it</span>
                  )}
                </td>
                <td className="small">{whenIn(t.created_at)}</td>
                <td className="small">
                  {t.last_used_at ? whenIn(t.last_used_at) : <span className="muted">never</span>}
                </td>
                <td className="row-actions">
                  {t.revoked_at ? (
                    <span className="muted small">Revoked {whenIn(t.revoked_at)}</span>
                  ) : (
                    <ConfirmButton
                      label={`Revoke ${t.name}`}
                      question={`Revoke worker token ${t.name}?`}
                      detail="A worker using it is refused from its next request on and stops; the tasks it held are queued again."
                      yes="Revoke"
                      no="Keep it"
                      danger
                      onConfirm={() => void revoke(t)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TokenForm
        onCreated={(c) => {
          setCreated(c);
          void load();
        }}
      />
    </>
  );
}

/** The one time a worker token is shown: the token and the `baton worker` command, each to copy. */
function CreatedToken({ created, onDone }: { created: WorkerTokenCreated; onDone(): void }) {
  return (
    <ShownOnce
      title={`Worker token ${created.token.name} created`}
      warning="Copy the token now: it is shown only this once. Baton keeps only a hash of it; a lost token means a new one."
      facts={[
        { label: 'Token', value: created.secret, what: 'the token' },
        {
          label: 'Command for the worker’s machine',
          value: created.command,
          what: 'the command',
          multiline: true,
        },
      ]}
      onDone={onDone}
    />
  );
}

function TokenForm({ onCreated }: { onCreated(c: WorkerTokenCreated): void }) {
  const [name, setName] = useState('');
  const [workerId, setWorkerId] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!name.trim()) return setErrors({ name: 'name the token (which machine or worker it is for)' });
    setBusy(true);
    try {
      // In browser mode the worker reaches Baton where this page does; the desktop app lets Baton say.
      const c = await api.createWorkerToken({
        name: name.trim(),
        ...(workerId.trim() ? { worker_id: workerId.trim() } : {}),
        ...(window.baton ? {} : { server_url: `${location.origin}/` }),
      });
      setErrors({});
      setName('');
      setWorkerId('');
      onCreated(c);
    } catch (err) {
      setErrors(fieldErrorsOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormPanel title="Create a worker token" className="reach-form" onSubmit={submit}>
      <div className="fields">
        <InputField
          label="Name"
          value={name}
          onChange={setName}
          error={errors.name}
          placeholder="e.g. build box in the lab"
          reserveError
        />
        <InputField
          label="Worker id (optional)"
          value={workerId}
          onChange={setWorkerId}
          error={errors.worker_id}
          placeholder="empty: the first worker that registers with it"
          reserveError
        />
      </div>
      <p className="muted small">
        A token speaks for one worker (<code>baton worker --id</code>): the one named here, else the first
        that registers with it. As any other worker it is refused.
      </p>
      <FormActions error={errors.form} busy={busy} submit="Create worker token" />{' '}
    </FormPanel>
  );
}
