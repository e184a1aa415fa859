import { pushApi } from '../api/off-desk.ts';
import { inBrowser } from './notifications.ts';

/**
 * Web Push in this browser: Baton's service worker (public/sw.js) shows what Baton sends while no
 * page of it is open, and this browser's subscription is the signed-in person's (`push.*`). Only
 * in browser mode, in a secure context (https, or localhost), where the browser has a PushManager.
 */
export const pushHere = (): boolean =>
  inBrowser() && window.isSecureContext && 'serviceWorker' in navigator && 'PushManager' in window;

/** Registers the service worker once, at start (it shows push messages; it caches nothing). */
export function registerServiceWorker(): void {
  if (!pushHere()) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
    // Without it, push is said to be unavailable where it is offered.
  });
}

/** This browser's subscription, if it has one. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushHere()) return null;
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager.getSubscription();
}

/** A label for this browser: its platform and browser, as the user agent says them. */
function thisBrowser(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'A browser';
  const device = /iPhone|iPad/.test(ua)
    ? 'iPhone or iPad'
    : /Android/.test(ua)
      ? 'Android'
      : /Mac OS X/.test(ua)
        ? 'Mac'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return device ? `${browser} on ${device}` : browser;
}

/**
 * Asks the browser's permission (once), subscribes it with Baton's VAPID key and hands the
 * subscription to Baton for the signed-in person. Throws what went wrong, in words.
 */
export async function subscribePush(): Promise<void> {
  if (!pushHere()) throw new Error('This browser cannot take push notifications here (it needs https).');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted')
    throw new Error('The browser was not allowed to show notifications: allow them in its site settings.');
  const reg = await navigator.serviceWorker.ready;
  const { public_key } = await pushApi.key();
  const key = Uint8Array.from(atob(public_key.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const sub =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
  const json = sub.toJSON();
  await pushApi.subscribe({
    subscription: {
      endpoint: sub.endpoint,
      keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
      expirationTime: sub.expirationTime,
    },
    label: thisBrowser(),
  });
}

/** Stops push to this browser: Baton forgets it, and the browser drops its subscription. */
export async function unsubscribePush(): Promise<void> {
  const sub = await currentSubscription();
  if (!sub) return;
  await pushApi.unsubscribe({ endpoint: sub.endpoint });
  await sub.unsubscribe();
}
