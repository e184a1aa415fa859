// Baton's service worker: it shows the push messages Baton sends this browser while no page of
// Baton is open (src-main/reach/push/), and opens what one is about when it is tapped. It caches
// nothing and answers no request: the page always comes from Baton itself.
//
// A message is JSON (src-shared/schemas/push.ts): `show` a notification (its `url` is what a tap
// opens: an approval's one-time link), or `close` the one with that tag (it was decided).

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let message;
  try {
    message = event.data ? event.data.json() : null;
  } catch {
    message = null;
  }
  if (!message || typeof message.tag !== 'string') return;
  if (message.kind === 'close') {
    event.waitUntil(
      self.registration.getNotifications({ tag: message.tag }).then((shown) => {
        for (const n of shown) n.close();
      }),
    );
    return;
  }
  if (message.kind !== 'show') return;
  event.waitUntil(
    self.registration.showNotification(String(message.title), {
      body: String(message.body ?? ''),
      tag: message.tag,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      timestamp: Date.parse(message.at) || Date.now(),
      data: { url: String(message.url ?? '/') },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  // Only a page of this Baton opens, whatever the message said: its path and fragment at this origin.
  let target;
  try {
    const url = new URL(event.notification.data?.url ?? '/', self.location.origin);
    // A path starting `//` would name another site: its slashes become one.
    const path = url.pathname.replace(/^\/+/, '/');
    target = new URL(path + url.search + url.hash, self.location.origin).href;
    if (new URL(target).origin !== self.location.origin) target = new URL('/', self.location.origin).href;
  } catch {
    target = new URL('/', self.location.origin).href;
  }
  event.waitUntil(self.clients.openWindow(target));
});
