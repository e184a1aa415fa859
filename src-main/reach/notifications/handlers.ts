import type { NotificationHandlers } from '../../../src-shared/contract/domains/notifications.ts';
import type { Notifier } from './notifier.ts';

/** `notifications.*`: which kinds a person wants told, read and changed. */
export function notificationHandlers({ notifier }: { notifier: Notifier }): NotificationHandlers {
  return {
    'notifications.settings': () => notifier.settings(),
    'notifications.configure': ({ kind, enabled }) => notifier.configure(kind, enabled),
  };
}
