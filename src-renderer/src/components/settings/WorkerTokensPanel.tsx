import { useState } from 'react';
import type { WorkerToken, WorkerTokenCreated } from '../../../../src-shared/schemas/worker-token.ts';
import { api } from '../../api/client.ts';
import { whenIn } from '../reach/field-errors.ts';
import { useFormSend, useReachList, useRowAction } from '../reach/reach-parts.tsx';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { RemoveRowButton, RowName, RowsTable } from '../shared/RowsTable.tsx';
import { ShownOnce } from '../shared/ShownOnce.tsx';

/**
 * Settings → Worker tokens: what `baton worker` on another machine presents instead of the UI's
 * token. A worker token opens the worker API only (pulling tasks, leases, progress, completions);
 * made here, it is shown once with the command to copy; revoked, its worker stops at its next
 * request. Each token speaks for one worker id (named here, or claimed by its first registration).
 */
export function WorkerTokensPanel() {
  const tokens = useReachList('workerTokens');
  const [created, setCreated] = useState<WorkerTokenCreated | null>(null);
  const act = useRowAction();
  const revoke = async (t: WorkerToken) => {
    const revoked = await act(() => api.revokeWorkerToken(t.id), `Worker token ${t.name} was not revoked`, {
      title: `Revoked worker token ${t.name}`,
      lines: ['A worker using it stops at its next request.'],
    });
    if (revoked && created?.token.id === t.id) setCreated(null);
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
      <RowsTable
        label="Worker tokens"
        className="worker-tokens"
        columns={['Name', 'Worker', 'Created', 'Last used']}
        rows={tokens}
        empty="No worker tokens yet. Create one below."
        rowKey={(t) => t.id}
        row={(t) => (
          <tr>
            <RowName name={t.name} detail={t.id} />
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
                <RemoveRowButton
                  verb="Revoke"
                  what="worker token"
                  name={t.name}
                  detail="A worker using it is refused from its next request on and stops; the tasks it held are queued again."
                  onConfirm={() => void revoke(t)}
                />
              )}
            </td>
          </tr>
        )}
      />
      <TokenForm onCreated={setCreated} />
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
  const { errors, setErrors, busy, send } = useFormSend();
  const submit = async () => {
    if (!name.trim()) return setErrors({ name: 'name the token (which machine or worker it is for)' });
    await send(async () => {
      // In browser mode the worker reaches Baton where this page does; the desktop app lets Baton say.
      const c = await api.createWorkerToken({
        name: name.trim(),
        ...(workerId.trim() ? { worker_id: workerId.trim() } : {}),
        ...(window.baton ? {} : { server_url: `${location.origin}/` }),
      });
      setName('');
      setWorkerId('');
      onCreated(c);
    });
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
