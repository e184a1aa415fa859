import { z } from 'zod';
import type { Webhook, WebhookDelivery } from '../../schemas/webhook.ts';
import { DELIVERY_STATUSES, webhookInputSchema, webhookUpdateSchema } from '../../schemas/webhook.ts';
import { byId, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/**
 * Webhooks out: subscriptions to run, task, approval and budget events, signed the
 * Standard Webhooks way, and the log of every delivery.
 */
export const webhookMethods = {
  'webhooks.list': method(none).returns<Webhook[]>(),
  /**
   * Subscribes a URL to events (of one project's runs, or all). The signing secret is named,
   * never given: it must be set (stored with `secrets.set`, or `BATON_SECRET_<NAME>`), else
   * `invalid_input` naming `secret_name`; only the `slack` format may go without one. An id
   * already taken is a `conflict`.
   */
  'webhooks.add': method(webhookInputSchema).returns<Webhook>(),
  /**
   * Changes a subscription (every field but its id and creation time), keeping its delivery log.
   * Unknown id: `not_found`; the secret must be set, as for `webhooks.add`.
   */
  'webhooks.update': method(webhookUpdateSchema).returns<Webhook>(),
  /** Removes a subscription and its delivery log. */
  'webhooks.remove': method(byId('webhook_id')).returns<{ removed: boolean }>(),
  /** Deliveries, newest first: status, attempts, the receiver's last answer, the payload. */
  'webhooks.deliveries': method(
    z.strictObject({
      webhook_id: z.string().min(1).max(200).optional(),
      status: z.enum(DELIVERY_STATUSES).optional(),
      limit: z.number().int().min(1).max(1_000).default(100),
    }),
  ).returns<WebhookDelivery[]>(),
  /** "Send again": the delivery (same webhook-id) goes out now, with a fresh time bound for retries. */
  'webhooks.redeliver': method(byId('delivery_id')).returns<WebhookDelivery>(),
};

export type WebhookHandlers = HandlersOf<typeof webhookMethods>;
