import { useState } from 'react';
import type { Webhook } from '../../../../src-shared/schemas/webhook.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { useReachList, useRowAction } from '../reach/reach-parts.tsx';
import { RemoveRowButton, RowName, RowsTable } from '../shared/RowsTable.tsx';
import { DeliveriesLog } from './DeliveriesLog.tsx';
import { EVENT_LABELS, WebhookForm } from './WebhookForm.tsx';

/** Settings → Webhooks: the subscriptions, a form to add or change one, and the delivery log. */
export function WebhooksPanel() {
  const hooks = useReachList('webhooks');
  const logOf = useBaton((s) => s.deliveriesOf);
  const showDeliveriesOf = useBaton((s) => s.showDeliveriesOf);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const act = useRowAction();
  const remove = async (w: Webhook) => {
    if (
      !(await act(() => api.removeWebhook(w.id), `Webhook ${w.id} was not removed`, {
        title: `Removed webhook ${w.id}`,
      }))
    )
      return;
    if (editing?.id === w.id) setEditing(null);
    if (logOf === w.id) showDeliveriesOf(null);
  };
  return (
    <>
      <p className="muted small intro">
        Baton POSTs to these URLs when runs start or end, tasks fail, approvals wait or are decided, or a
        budget is passed. Each request is signed the Standard Webhooks way (headers <code>webhook-id</code>,{' '}
        <code>webhook-timestamp</code>, <code>webhook-signature</code>) with the secret named (a Slack-format
        webhook may go unsigned), retried with backoff, and logged below. The payload's JSON Schema is{' '}
        <code>resources/schemas/webhook-payload.schema.json</code>.
      </p>
      <RowsTable
        label="Webhooks"
        className="webhooks"
        columns={['Webhook', 'Events', 'Runs of', 'Secret', 'Format']}
        rows={hooks}
        empty="No webhooks yet. Add one below."
        rowKey={(w) => w.id}
        row={(w) => (
          <tr>
            <RowName name={w.id} detail={w.url} />
            <td className="small">{w.events.map((e) => EVENT_LABELS[e]).join(', ')}</td>
            <td className="small">{w.project_id ?? 'All projects'}</td>
            <td>
              {w.secret_name ? <code>{w.secret_name}</code> : <span className="muted small">none</span>}
            </td>
            <td className="small">{w.format === 'slack' ? 'Slack text' : 'Signed JSON'}</td>
            <td className="row-actions">
              <button type="button" onClick={() => setEditing(w)} aria-label={`Edit ${w.id}`}>
                Edit
              </button>
              <button
                type="button"
                onClick={() => showDeliveriesOf(w.id)}
                aria-label={`Deliveries of ${w.id}`}
              >
                Deliveries
              </button>
              <RemoveRowButton
                what="webhook"
                name={w.id}
                detail={`Nothing more is sent to ${w.url}, and its delivery log is removed with it.`}
                onConfirm={() => void remove(w)}
              />
            </td>
          </tr>
        )}
      />
      <WebhookForm editing={editing} onDone={() => setEditing(null)} />
      <DeliveriesLog />
    </>
  );
}
