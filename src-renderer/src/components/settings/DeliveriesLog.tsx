import { useCallback, useEffect, useState } from 'react';
import type { DeliveryStatus, WebhookDelivery } from '../../../../src-shared/schemas/webhook.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { whenIn } from '../reach/field-errors.ts';
import { EVENT_LABELS } from './WebhookForm.tsx';

/** Each status in the colours the runs' statuses use. */
const DELIVERY_CLASS: Record<DeliveryStatus, string> = {
  pending: 'status-ready',
  delivered: 'status-done',
  failed: 'status-failed',
};

/** How often the log is read again while it is shown (deliveries have no push event). */
const REFRESH_MS = 2_000;

/**
 * Every delivery, newest first (of one webhook, or all): its event, status, attempts, the
 * receiver's last answer and why it failed, with Send again (the same webhook-id, so a receiver
 * can drop a repeat).
 */
export function DeliveriesLog({ webhookId, onShowAll }: { webhookId: string | null; onShowAll(): void }) {
  const fail = useBaton((s) => s.fail);
  const [rows, setRows] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setRows(await api.webhookDeliveries(webhookId ?? undefined));
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [webhookId]);
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);
  const again = async (d: WebhookDelivery) => {
    try {
      const sent = await api.redeliver(d.id);
      setRows((prev) => prev?.map((x) => (x.id === sent.id ? sent : x)) ?? prev);
    } catch (err) {
      fail(`Delivery ${d.id} was not sent again`, err);
    }
  };
  return (
    <section className="deliveries" aria-label="Deliveries">
      <div className="section-head">
        <h2>Deliveries{webhookId ? ` of ${webhookId}` : ''}</h2>
        {webhookId && (
          <button type="button" className="small" onClick={onShowAll}>
            Show all webhooks
          </button>
        )}
        <button type="button" className="small" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          Could not read the deliveries: {error}
        </p>
      )}
      {rows === null ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="empty muted">
          No deliveries yet. One is logged each time an event a webhook listens to happens.
        </p>
      ) : (
        <table className="tasks deliveries-table" aria-label="Delivery log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Webhook</th>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Response</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} aria-label={`Delivery ${d.id}`}>
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
                  {d.response_code === null ? (
                    <span className="muted">—</span>
                  ) : (
                    <code>{d.response_code}</code>
                  )}
                  {d.last_error && <div className="field-error">{d.last_error}</div>}
                </td>
                <td className="row-actions">
                  <button type="button" onClick={() => void again(d)} aria-label={`Send ${d.id} again`}>
                    Send again
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
