import type { StateCreator } from 'zustand';
import { contractIssues, errorText } from '../api/errors.ts';
import type { ConnectionStatus } from '../api/transport.ts';
import { plainMessage } from '../format/field-message.ts';
import type { Route } from '../routes/routes.ts';
import type { View } from '../views.ts';
import type { BatonState } from './index.ts';

export type { View };

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  title: string;
  lines: string[];
  /** Raised by the designer about its draft: leaving the designer dismisses it, and nothing else. */
  from?: 'designer';
  /** Where to go next about it ("Open fix"): a link in the toast, which then stays longer. */
  link?: { to: Route; label: string };
}

export interface UiSlice {
  view: View;
  connection: ConnectionStatus;
  toasts: Toast[];
  /** The new-plan dialog is open (one dialog, opened from the sidebar or the first open's steps). */
  newPlanOpen: boolean;
  setNewPlanOpen(open: boolean): void;
  /** What opens over every screen from the keyboard: the command palette (Ctrl+K, ⌘K), the keys (?). */
  overlay: 'palette' | 'keys' | null;
  setOverlay(overlay: 'palette' | 'keys' | null): void;
  /** Browser mode: something was to be told and the browser was never asked (NotificationPrompt). */
  askNotifications: boolean;
  setAskNotifications(ask: boolean): void;
  setView(view: View): void;
  setConnection(s: ConnectionStatus): void;
  notify(kind: Toast['kind'], title: string, lines?: string[], from?: Toast['from']): void;
  /** An info toast with the way to what comes next (a link), shown 12 s. */
  notifyWithLink(title: string, link: NonNullable<Toast['link']>, lines?: string[]): void;
  /** Shows an error readably: the engine's message and, for invalid input, every issue. */
  fail(title: string, err: unknown, from?: Toast['from']): void;
  dismiss(id: number): void;
}

let nextToast = 1;

export const createUiSlice: StateCreator<BatonState, [], [], UiSlice> = (set, get) => ({
  view: 'plans',
  connection: 'connecting',
  toasts: [],
  newPlanOpen: false,
  setNewPlanOpen: (newPlanOpen) => set({ newPlanOpen }),
  overlay: null,
  setOverlay: (overlay) => set({ overlay }),
  askNotifications: false,
  setAskNotifications: (askNotifications) => set({ askNotifications }),
  // A message belongs to the screen it was raised on: moving to another one clears it, and
  // what an address named but was not found is left behind too.
  setView: (view) =>
    set((s) =>
      s.view === view ? (s.missing ? { missing: null } : {}) : { view, toasts: [], missing: null },
    ),
  setConnection: (connection) => set({ connection }),
  notify(kind, title, lines = [], from) {
    const id = nextToast++;
    set((s) => ({ toasts: [...s.toasts.slice(-4), { id, kind, title, lines, from }] }));
    if (kind === 'info') setTimeout(() => get().dismiss(id), 4_000);
  },
  notifyWithLink(title, link, lines = []) {
    const id = nextToast++;
    set((s) => ({ toasts: [...s.toasts.slice(-4), { id, kind: 'info', title, lines, link }] }));
    setTimeout(() => get().dismiss(id), 12_000);
  },
  fail(title, err, from) {
    const issues = contractIssues(err);
    const lines =
      issues.length > 0 ? issues.map((i) => `${i.path}: ${plainMessage(i.message)}`) : [errorText(err)];
    get().notify('error', title, lines, from);
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
});
