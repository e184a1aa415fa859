import { z } from 'zod';
import type { PushSubscriptionInfo } from '../../schemas/push.ts';
import { none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/** A browser's PushSubscription as `toJSON()` gives it. */
const subscriptionSchema = z.strictObject({
  endpoint: z.url({ error: 'endpoint must be the https URL the browser gave' }).max(2_000),
  keys: z.strictObject({
    p256dh: z
      .string()
      .regex(/^[A-Za-z0-9_-]{80,100}={0,2}$/, 'keys.p256dh must be the browser’s P-256 key, base64url'),
    auth: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,30}={0,2}$/, 'keys.auth must be the browser’s auth secret, base64url'),
  }),
  expirationTime: z.number().nullable().optional(),
});

/**
 * Web Push to a person's browsers (src-main/reach/push/): each signed-in person subscribes the
 * browsers they use and is sent what waits for them (the approvals they may decide, with a
 * one-time link) and how runs end. Each method acts on the caller's own subscriptions only.
 */
export const pushMethods = {
  /** Baton's VAPID public key (base64url), which the browser subscribes with. */
  'push.key': method(none).returns<{ public_key: string }>(),
  /** Subscribes this browser for the caller (again: its keys are replaced). */
  'push.subscribe': method(
    z.strictObject({
      subscription: subscriptionSchema,
      label: z.string().trim().min(1).max(100).optional(),
    }),
  ).returns<PushSubscriptionInfo>(),
  'push.unsubscribe': method(
    z.strictObject({
      id: z.string().min(1).max(200).optional(),
      endpoint: z.string().min(1).max(2_000).optional(),
    }),
  ).returns<{ removed: boolean }>(),
  /** The caller's subscribed browsers. */
  'push.list': method(none).returns<PushSubscriptionInfo[]>(),
  /** Sends the caller's browsers a test notification now. */
  'push.test': method(none).returns<{ queued: number }>(),
};

export type PushHandlers = HandlersOf<typeof pushMethods>;
