import { useCallback, useEffect, useState } from 'react';
import type { Webhook } from '../../../../src-shared/schemas/webhook.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { DeliveriesLog } from './DeliveriesLog.tsx';
import { EVENT_LABELS, WebhookForm } from './WebhookForm.tsx';

/** Settings → Webhooks: the subscriptions, a form to add or change one, and the delivery log. */
export function WebhooksPanel() {
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setHooks(await api.listWebhooks());
    } catch (err) {
      setHooks([]);
      fail('Could not list the webhooks', err);
    }
  }, [fail]);
  useEffect(() => {
    void load();
  }, [load]);
  const remove = async (w: Webhook) => {
    try {
      await api.removeWebhook(w.id);
      notify('info', `Removed webhook ${w.id}`);
      if (editing?.id === w.id) setEditing(null);
      if (logOf === w.id) setLogOf(null);
      await load();
    } catch (err) {
      fail(`Webhook ${w.id} was not removed`, err);
    }
  };
  return (
    <>
      <p className="muted small intro">
        Baton POSTs to these URLs when runs start or end, tasks fail, approvals wait or are decided, or a
        budget is passed. Each request is signed the Standard Webhooks way (headers <code>webhook-id</code>,{' '}
        <code>webhook-timestamp</code>, <code>webhook-signature</code>) with the secret named, retried with
        backoff, and logged below. The payload's JSON Schema is{' '}
        <code>resources/schemas/webhook-payload.schema.json</code>.
      </p>
      {hooks === null ? (
        <p className="muted">Loading…</p>
      ) : hooks.length === 0 ? (
        <p className="empty muted">No webhooks yet. Add one below.</p>
      ) : (
        <table className="tasks webhooks" aria-label="Webhooks">
          <thead>
            <tr>
              <th scope="col">Webhook</th>
              <th scope="col">Events</th>
              <th scope="col">Runs of</th>
              <th scope="col">Secret</th>
              <th scope="col">Format</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {hooks.map((w) => (
              <tr key={w.id}>
                <th scope="row">
                  <div>{w.id}</div>
                  <code className="muted small path">{w.url}</code>
                </th>
                <td className="small">{w.events.map((e) => EVENT_LABELS[e]).join(', ')}</td>
                <td className="small">{w.project_id ?? 'All projects'}</td>
                <td>
                  <code>{w.secret_name}</code>
                </td>
                <td className="small">{w.format === 'slack' ? 'Slack text' : 'Signed JSON'}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => setEditing(w)} aria-label={`Edit ${w.id}`}>
                    Edit
                  </button>
                  <button type="button" onClick={() => setLogOf(w.id)} aria-label={`Deliveries of ${w.id}`}>
                    Deliveries
                  </button>
                  <ConfirmButton
                    label={`Remove ${w.id}`}
                    question={`Remove webhook ${w.id}?`}
                    detail={`Nothing more is sent to ${w.url}, and its delivery log is removed with it.`}
                    yes="Remove"
                    no="Keep it"
                    danger
                    onConfirm={() => void remove(w)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <WebhookForm
        editing={editing}
        onDone={(w) => {
          setEditing(null);
          if (w) void load();
        }}
      />
      <DeliveriesLog webhookId={logOf} onShowAll={() => setLogOf(null)} />
    </>
  );
}
