/**
 * Web Push: a person's browser (a phone's above all) that takes notifications while Baton's page
 * is closed. The browser gives the endpoint and keys when it subscribes; Baton encrypts each
 * message for them (RFC 8291, aes128gcm) and signs the request with its VAPID key (RFC 8292).
 */
export interface PushSubscriptionInfo {
  id: string;
  /** What the person called this browser (its user agent's words when they did not say). */
  label: string;
  /** The push service's host (the whole endpoint is a capability: never shown). */
  service: string;
  created_at: string;
  last_sent_at: string | null;
  /** Why the last message to it failed, when it did. */
  last_error: string | null;
}

/**
 * What a push message carries, as the service worker reads it: a notification to show (its link
 * opens the item; an approval's is a one-time link for this person), or one to take away (the
 * approval was decided: `close` is the tag of the notification that asked).
 */
export type PushMessage =
  | { kind: 'show'; title: string; body: string; url: string; tag: string; at: string }
  | { kind: 'close'; tag: string };
