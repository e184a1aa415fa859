import type { BatonState } from './store/index.ts';

/** A screen of the app as the sidebar lists it. */
export interface ViewInfo {
  /** The sidebar's label, and the screen's name when it hits an error. */
  label: string;
  /** A count on the sidebar entry (what waits there), read out as "<label>, <n> <words>". */
  badge?: { count(s: BatonState): number; words: string };
}

/**
 * Every screen, in sidebar order: the sidebar, the store's `view` and the app's main area
 * (`SCREENS` in components/app/screens.tsx, which must name a component for each) are made from
 * this one list, so a screen added here is in the sidebar and reachable, or the build says what
 * is missing.
 */
export const VIEWS = {
  plans: { label: 'Plans' },
  planlist: { label: 'Plan list' },
  runs: { label: 'Runs' },
  approvals: { label: 'Approvals', badge: { count: (s) => s.pending.length, words: 'pending' } },
  mytasks: {
    label: 'My tasks',
    badge: { count: (s) => s.inbox.ready.length + s.inbox.in_progress.length, words: 'waiting' },
  },
  agents: { label: 'Agents' },
  workspaces: { label: 'Workspaces' },
  projects: { label: 'Projects' },
  memory: { label: 'Build logs' },
  settings: { label: 'Settings' },
} satisfies Record<string, ViewInfo>;

/** A screen's key in `VIEWS`. */
export type View = keyof typeof VIEWS;

/** The screens in sidebar order, each with its key. */
export const VIEW_LIST: readonly (ViewInfo & { view: View })[] = Object.entries(VIEWS).map(
  // Object.entries types its keys as strings; these are VIEWS' own.
  ([view, info]) => ({ ...info, view: view as View }),
);
