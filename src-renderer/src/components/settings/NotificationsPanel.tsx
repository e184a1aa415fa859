import { useEffect, useState } from 'react';
import type { NotificationKind, NotificationSettings } from '../../../../src-shared/schemas/notification.ts';
import { NOTIFICATION_KINDS } from '../../../../src-shared/schemas/notification.ts';
import { roleAtLeast } from '../../../../src-shared/schemas/plain/people.ts';
import { api } from '../../api/client.ts';
import type { BrowserPermission } from '../../notify/notifications.ts';
import { askPermission, browserPermission, inBrowser } from '../../notify/notifications.ts';
import { useBaton } from '../../store/index.ts';
import { PushPanel } from './PushPanel.tsx';

export const KIND_LABELS: Record<NotificationKind, { label: string; hint: string }> = {
  approval_waiting: {
    label: 'An approval is waiting',
    hint: 'a gated task, a tool call, a diff to review, a decider’s question',
  },
  task_waiting: { label: 'A task waits in My tasks', hint: 'only a person can take it' },
  run_failed: { label: 'A run failed', hint: '' },
  run_completed: { label: 'A run completed', hint: '' },
  budget_exceeded: { label: 'A budget was passed', hint: 'a task waits for approval to spend more' },
  budget_reached: {
    label: 'A budget was reached',
    hint: 'what a plan, run or project was charged reached its budget',
  },
  agent_limited: {
    label: 'An agent hit a usage limit',
    hint: 'its account’s quota ran out: its tasks wait, fail over or fail',
  },
  agent_available: { label: 'A limited agent is available again', hint: 'its account’s limit reset' },
};

/**
 * Settings → Notifications: which kinds this Baton tells about (stored by the host, for every
 * window), and in a browser, the browser's permission to show them.
 */
export function NotificationsPanel() {
  const fail = useBaton((s) => s.fail);
  const me = useBaton((s) => s.me);
  // One setting for everyone: an admin's to change (the host refuses others).
  const admin = me === null || roleAtLeast(me.role, 'admin');
  const [settings, setSettings] = useState<NotificationSettings | null>(null);
  useEffect(() => {
    api
      .notificationSettings()
      .then(setSettings, (err) => fail('Could not read the notification settings', err));
  }, [fail]);
  const configure = async (kind: NotificationKind, enabled: boolean) => {
    try {
      setSettings(await api.configureNotification(kind, enabled));
    } catch (err) {
      fail('The setting was not saved', err);
    }
  };
  return (
    <>
      <p className="muted small intro">
        Baton tells you when something needs you while you are looking elsewhere: a desktop notification, and
        a click on it opens the item; in a browser, push notifications too, even with Baton closed. These
        choices are kept by Baton for every window and browser.
      </p>
      {inBrowser() && <BrowserPermissionNote />}
      {settings === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <fieldset className="form-panel notification-kinds">
          <legend>Tell me when</legend>
          {!admin && <p className="muted small">Set by an admin, for everyone in this Baton.</p>}
          {NOTIFICATION_KINDS.map((k) => (
            <label key={k} className="check">
              <input
                type="checkbox"
                disabled={!admin}
                checked={settings[k]}
                onChange={(e) => void configure(k, e.target.checked)}
              />
              {KIND_LABELS[k].label}
              {KIND_LABELS[k].hint && <span className="muted small"> ({KIND_LABELS[k].hint})</span>}
            </label>
          ))}
        </fieldset>
      )}
      {inBrowser() && <PushPanel />}
    </>
  );
}

/** In a browser tab, notifications need the browser's permission: what it is, and a way to ask. */
export function BrowserPermissionNote() {
  const [permission, setPermission] = useState<BrowserPermission>(browserPermission());
  if (permission === 'granted')
    return <p className="small permission-note">This browser shows Baton’s notifications.</p>;
  if (permission === 'unsupported')
    return <p className="small permission-note">This browser cannot show notifications.</p>;
  if (permission === 'denied')
    return (
      <p className="small permission-note">
        This browser blocks Baton’s notifications. Allow them in the site settings (the icon left of the
        address) to be told.
      </p>
    );
  return (
    <div className="small permission-note">
      <p>
        The browser asks once whether this page may show notifications; Baton uses them only for the kinds
        below.
      </p>
      <button type="button" className="primary" onClick={() => void askPermission().then(setPermission)}>
        Allow notifications…
      </button>
    </div>
  );
}
