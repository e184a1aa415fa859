import type { Notification as BatonNotification } from '../../../src-shared/schemas/notification.ts';
import { budgetSpendAddress } from '../../../src-shared/spend/address.ts';
import { navigate } from '../routes/history-sync.ts';
import { parseRoute } from '../routes/routes.ts';
import { useBaton } from '../store/index.ts';

/** Set once the person has been asked (either answer): the page never asks again by itself. */
const ASKED_KEY = 'baton.notifications.asked';

/** Whether this page shows notifications itself: browser mode (the desktop app's main process shows them). */
export const inBrowser = (): boolean => !window.baton && typeof window.Notification === 'function';

export type BrowserPermission = NotificationPermission | 'unsupported';

export function browserPermission(): BrowserPermission {
  return typeof window.Notification === 'function' ? window.Notification.permission : 'unsupported';
}

export function askedBefore(): boolean {
  try {
    return localStorage.getItem(ASKED_KEY) !== null;
  } catch {
    return true;
  }
}

/** Asks the browser for permission (after the person chose to, from an explanation), once. */
export async function askPermission(): Promise<BrowserPermission> {
  try {
    localStorage.setItem(ASKED_KEY, new Date().toISOString());
  } catch {
    // private mode: asked anyway, just not remembered
  }
  if (typeof window.Notification !== 'function') return 'unsupported';
  return window.Notification.requestPermission();
}

export function dontAsk(): void {
  try {
    localStorage.setItem(ASKED_KEY, 'declined');
  } catch {
    // not remembered
  }
}

/** The person is looking at this page: a notification would tell them what they see. */
const looking = () => document.visibilityState === 'visible' && document.hasFocus();

/**
 * A `notification` from the host, in browser mode: shown by the browser while the person looks
 * elsewhere (permission granted); clicking it brings the tab up and opens the item.
 */
export function showInBrowser(n: BatonNotification): void {
  if (!inBrowser()) return;
  // The first time there is something to tell, the page explains and offers to ask the browser.
  if (browserPermission() === 'default' && !askedBefore()) useBaton.getState().setAskNotifications(true);
  if (browserPermission() !== 'granted' || looking()) return;
  const note = new window.Notification(n.title, { body: n.body, tag: n.id });
  note.onclick = () => {
    window.focus();
    note.close();
    void openNotification(n);
  };
}

/**
 * Opens what a notification is about, at its address: the approval in the Approvals inbox (a
 * budget, a tool call, a diff review), My tasks for a task waiting there, a reached budget's
 * spend on Spend, a limited or available agent on the Agents screen, else the run (and its task).
 */
export async function openNotification(n: BatonNotification): Promise<void> {
  if (n.target.approval_id) return navigate({ screen: 'approvals', approvalId: n.target.approval_id });
  if (n.kind === 'task_waiting') return navigate({ screen: 'mytasks' });
  if (n.target.budget) return navigate(parseRoute(budgetSpendAddress(n.target.budget)));
  if (n.target.agent) return navigate({ screen: 'agents', agentId: n.target.agent });
  if (!n.target.run_id) return;
  await navigate({ screen: 'run', runId: n.target.run_id, taskId: n.target.task_id ?? null });
}
