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
