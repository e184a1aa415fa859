import type { ComponentType } from 'react';
import { useBaton } from '../../store/index.ts';
import type { View } from '../../views.ts';
import { PlansScreen } from '../plans/PlansScreen.tsx';
import { lazyRetry } from '../shared/lazy-retry.ts';

/**
 * A screen fetched and evaluated the first time it is opened; fetched again when that failed (the
 * host was down) and the person tries again.
 */
const onDemand = <M,>(load: () => Promise<M>, pick: (m: M) => ComponentType) =>
  lazyRetry(() => load().then((m) => ({ default: pick(m) })));

/**
 * What each screen listed in `VIEWS` shows. The plan list is loaded with the app; the other
 * screens on first use, so it becomes interactive before React Flow, zod (the designer's
 * validation) and the other screens are fetched and evaluated.
 */
export const SCREENS: Record<View, ComponentType> = {
  plans: PlansScreen,
  planlist: onDemand(
    () => import('../plans/PlanListView.tsx'),
    (m) => m.PlanListView,
  ),
  runs: onDemand(
    () => import('../all-runs/RunsView.tsx'),
    (m) => m.RunsView,
  ),
  approvals: onDemand(
    () => import('../approvals/ApprovalsView.tsx'),
    (m) => m.ApprovalsView,
  ),
  mytasks: onDemand(
    () => import('../my-tasks/MyTasksView.tsx'),
    (m) => m.MyTasksView,
  ),
  agents: onDemand(
    () => import('../agents/AgentsView.tsx'),
    (m) => m.AgentsView,
  ),
  workspaces: onDemand(
    () => import('../workspaces/WorkspacesView.tsx'),
    (m) => m.WorkspacesView,
  ),
  projects: onDemand(
    () => import('../projects/ProjectsView.tsx'),
    (m) => m.ProjectsView,
  ),
  spend: onDemand(
    () => {
      // Its figures are read while its code loads (the sidebar opens it without going through an address).
      const s = useBaton.getState();
      void s.loadSpend(s.spendFilter);
      return import('../spend/SpendView.tsx');
    },
    (m) => m.SpendView,
  ),
  memory: onDemand(
    () => import('../logs/BuildLogsView.tsx'),
    (m) => m.BuildLogsView,
  ),
  settings: onDemand(
    () => import('../settings/SettingsView.tsx'),
    (m) => m.SettingsView,
  ),
};
