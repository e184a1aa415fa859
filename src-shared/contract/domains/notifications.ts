import { z } from 'zod';
import type { NotificationSettings } from '../../schemas/notification.ts';
import { NOTIFICATION_KINDS } from '../../schemas/notification.ts';
import { none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/**
 * Which notifications this Baton sends (per kind, on by default), for everyone: every window and
 * every person's push, so an admin's to change. The notifications themselves
 * are the `notification` push event; the window shows them (Electron's Notification, or the
 * browser's after asking permission once).
 */
export const notificationMethods = {
  'notifications.settings': method(none).returns<NotificationSettings>(),
  'notifications.configure': method(
    z.strictObject({ kind: z.enum(NOTIFICATION_KINDS), enabled: z.boolean() }),
  ).returns<NotificationSettings>(),
};

export type NotificationHandlers = HandlersOf<typeof notificationMethods>;
