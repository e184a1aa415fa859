import { useEffect } from 'react';
import type { DeliveryStatus } from '../../../../src-shared/schemas/webhook.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { whenIn } from '../reach/field-errors.ts';
import { useRowAction } from '../reach/reach-parts.tsx';
import { RowsTable } from '../shared/RowsTable.tsx';
import { EVENT_LABELS } from './WebhookForm.tsx';

/** Each status in the colours the runs' statuses use. */
const DELIVERY_CLASS: Record<DeliveryStatus, string> = {
  pending: 'status-ready',
  delivered: 'status-done',
  failed: 'status-failed',
};

/**
 * Every delivery, newest first (of one webhook, or all): its event, status, attempts, the
 * receiver's last answer and why it failed, with Send again (the same webhook-id, so a receiver
 * can drop a repeat). Read when the log opens (every webhook's), then kept as the host tells
 * each delivery queued and attempted.
 */
export function DeliveriesLog() {
  const rows = useBaton((s) => s.reach.deliveries);
  const webhookId = useBaton((s) => s.deliveriesOf);
  const showDeliveriesOf = useBaton((s) => s.showDeliveriesOf);
  const load = useBaton((s) => s.loadReach);
  const act = useRowAction();
  useEffect(() => showDeliveriesOf(null), [showDeliveriesOf]);
  return (
    <section className="deliveries" aria-label="Deliveries">
      <div className="section-head">
        <h2>Deliveries{webhookId ? ` of ${webhookId}` : ''}</h2>
        {webhookId && (
          <button type="button" className="small" onClick={() => showDeliveriesOf(null)}>
            Show all webhooks
          </button>
        )}
        <button type="button" className="small" onClick={() => void load('deliveries')}>
          Refresh
        </button>
      </div>
      <RowsTable
        label="Delivery log"
        className="deliveries-table"
        columns={['When', 'Webhook', 'Event', 'Status', 'Attempts', 'Response']}
        rows={rows}
        empty="No deliveries yet. One is logged each time an event a webhook listens to happens."
        rowKey={(d) => d.id}
        row={(d) => (
          <tr aria-label={`Delivery ${d.id}`}>
            <td className="small">{whenIn(d.last_attempt_at ?? d.created_at)}</td>
            <td>{d.webhook_id}</td>
            <td>
              {EVENT_LABELS[d.event]}
              {d.payload.data.run_id && <div className="muted small">{d.payload.data.run_id}</div>}
            </td>
            <td>
              <span className={`pill ${DELIVERY_CLASS[d.status]}`}>{d.status}</span>
              {d.status === 'pending' && d.next_attempt_at && (
                <div className="muted small">next try {whenIn(d.next_attempt_at)}</div>
              )}
            </td>
            <td>{d.attempts}</td>
            <td>
              {d.response_code === null ? <span className="muted">—</span> : <code>{d.response_code}</code>}
              {d.last_error && <div className="field-error">{d.last_error}</div>}
            </td>
            <td className="row-actions">
              <button
                type="button"
                onClick={() => void act(() => api.redeliver(d.id), `Delivery ${d.id} was not sent again`)}
                aria-label={`Send ${d.id} again`}
              >
                Send again
              </button>
            </td>
          </tr>
        )}
      />
    </section>
  );
}
