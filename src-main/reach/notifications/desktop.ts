import type { EventBatch, EventName } from '../../../src-shared/contract/events.ts';
import type { Notification } from '../../../src-shared/schemas/notification.ts';

/**
 * The desktop app's side of notifications, without Electron (its main entry hands in `show`,
 * which makes Electron's Notification): each `notification` on the bus is shown while the
 * window is not what the person looks at, and clicking one asks the window to open its item
 * (`open`). The notifier has already left out the kinds turned off in settings.
 */
export function tellOnDesktop(deps: {
  subscribe(listener: (batch: EventBatch) => void, names: readonly EventName[]): () => void;
  /** The window has the focus: the person sees Baton, a notification would be noise. */
  focused(): boolean;
  show(n: Notification, onClick: () => void): void;
  open(n: Notification): void;
}): () => void {
  return deps.subscribe(
    (batch) => {
      for (const e of batch) {
        if (e.name !== 'notification' || deps.focused()) continue;
        const n = e.payload;
        deps.show(n, () => deps.open(n));
      }
    },
    ['notification'],
  );
}

/**
 * A notification's body as the desktop shows it. On Linux the notification service reads the body
 * as markup (freedesktop's `body-markup`, `body-hyperlinks`, `body-images`), and Electron hands it
 * on as it is: an agent's words in a body (a usage limit's message) could put a link to any
 * scheme, `file:` too, or a local image in a real Baton notification. There its `&`, `<` and `>`
 * are written as entities, so the text shows as written; elsewhere it is plain text already.
 */
export function desktopBody(body: string, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'linux') return body;
  return body.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
