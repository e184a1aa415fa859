import { actorOfCall } from '../../../src-shared/contract/caller.ts';
import type { NotificationHandlers } from '../../../src-shared/contract/domains/notifications.ts';
import type { AuditChange } from '../../../src-shared/schemas/memory.ts';
import type { Notifier } from './notifier.ts';

/** `notifications.*`: which kinds a person wants told, read and changed (a change is audited). */
export function notificationHandlers({
  notifier,
  audit,
}: {
  notifier: Notifier;
  audit: (e: { entity_id: string; why: string; actor: string; changes: AuditChange[] }) => void;
}): NotificationHandlers {
  return {
    'notifications.settings': () => notifier.settings(),
    'notifications.configure': ({ kind, enabled }, call) => {
      const was = notifier.settings()[kind];
      const now = notifier.configure(kind, enabled);
      if (was !== enabled)
        audit({
          entity_id: `notifications.${kind}`,
          why: `notifications of ${kind.replaceAll('_', ' ')} turned ${enabled ? 'on' : 'off'}`,
          actor: actorOfCall(null, call),
          changes: [{ field: kind, from: String(was), to: String(enabled) }],
        });
      return now;
    },
  };
}
