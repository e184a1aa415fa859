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
  planlist: { label: 'All plans' },
  runs: { label: 'Runs' },
  approvals: { label: 'Approvals', badge: { count: (s) => s.pending.length, words: 'pending' } },
  mytasks: {
    label: 'My tasks',
    badge: { count: (s) => s.inbox.ready.length + s.inbox.in_progress.length, words: 'waiting' },
  },
  agents: { label: 'Agents' },
  workspaces: { label: 'Workspaces' },
  projects: { label: 'Projects' },
  spend: { label: 'Spend' },
  memory: { label: 'Build logs' },
  settings: { label: 'Settings' },
} satisfies Record<string, ViewInfo>;

/** A screen's key in `VIEWS`. */
export type View = keyof typeof VIEWS;

/**
 * The sidebar entry a screen without one of its own is under: the plan list is under Plans (one
 * entry for plans; the list is "All plans" at the head of the sidebar's plans).
 */
export const UNDER: Partial<Record<View, View>> = { planlist: 'plans' };

/** The screens, each with its key (the sidebar lists those with an entry of their own, in this order). */
export const VIEW_LIST: readonly (ViewInfo & { view: View; under?: View })[] = Object.entries(VIEWS).map(
  ([key, info]) => {
    // Object.entries types its keys as strings; these are VIEWS' own.
    const view = key as View;
    const under = UNDER[view];
    return { ...info, view, ...(under ? { under } : {}) };
  },
);
