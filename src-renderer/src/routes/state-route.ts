import type { BatonState } from '../store/index.ts';
import type { View } from '../views.ts';
import { UNDER } from '../views.ts';
import type { LogSearch, Route } from './routes.ts';
import { dropEmpty, formatRoute } from './routes.ts';

/** What of the store decides the address: the screen shown and the selections on it. */
export type RouteState = Pick<
  BatonState,
  | 'view'
  | 'missing'
  | 'draft'
  | 'draftIsNew'
  | 'editedPlanId'
  | 'selectedPlanId'
  | 'selectedRunId'
  | 'autoRun'
  | 'selectedTask'
  | 'planTab'
  | 'comparedRuns'
  | 'shownVersion'
  | 'runsFilter'
  | 'planListFilter'
  | 'openApprovalId'
  | 'approvalFilter'
  | 'approvalsTab'
  | 'approvalSort'
  | 'openAgentId'
  | 'workspaceSandboxOpen'
  | 'logsTab'
  | 'memoryQuery'
  | 'memoryFilter'
  | 'auditQuery'
  | 'auditFilter'
  | 'settingsTab'
  | 'tasksScope'
  | 'spendFilter'
  | 'spendTab'
>;

/**
 * The route of what the store shows: the address the page should be at. What an address named
 * and was not found keeps that address. The inverse of `applyRoute` (apply-route.ts): applying
 * the route of a state gives that state back, as far as the address names it.
 */
export function routeOf(s: RouteState): Route {
  return s.missing ? s.missing.route : screenRoute(s, s.view);
}

/** The route screen `view` has with the selections in the store (the sidebar links to it). */
export function screenRoute(s: RouteState, view: View): Route {
  switch (view) {
    case 'plans':
      return plansRoute(s);
    case 'planlist':
      return { screen: 'plan-list', filter: s.planListFilter };
    case 'runs':
      return { screen: 'runs', filter: s.runsFilter };
    case 'approvals':
      return {
        screen: 'approvals',
        approvalId: s.openApprovalId,
        ...(s.approvalFilter.plan_id ? { plan: s.approvalFilter.plan_id } : {}),
        ...(s.approvalFilter.kind ? { kind: s.approvalFilter.kind } : {}),
        ...(s.approvalsTab === 'decided' ? { show: 'decided' } : {}),
        ...(s.approvalSort !== 'blocking' ? { sort: s.approvalSort } : {}),
      };
    case 'mytasks':
      return s.tasksScope === 'everyone' ? { screen: 'mytasks', scope: 'everyone' } : { screen: 'mytasks' };
    case 'workspaces':
      return s.workspaceSandboxOpen === null
        ? { screen: 'workspaces' }
        : { screen: 'workspaces', sandboxOf: s.workspaceSandboxOpen };
    case 'projects':
      return { screen: view };
    case 'agents':
      return { screen: 'agents', agentId: s.openAgentId };
    case 'spend':
      return s.spendTab === 'prices'
        ? { screen: 'spend-prices' }
        : { screen: 'spend', filter: s.spendFilter };
    case 'memory':
      return { screen: 'logs', search: logSearch(s) };
    case 'settings':
      return { screen: 'settings', tab: s.settingsTab };
  }
}

/**
 * The Plans screen: the designer while a draft is open; else the plan open, at the run shown
 * when someone chose it or a task in it (the plan's newest run, opened with it, is the plan's
 * address), on the tab shown.
 */
function plansRoute(s: RouteState): Route {
  if (s.draft) {
    return s.draftIsNew || !s.editedPlanId
      ? { screen: 'new-plan' }
      : { screen: 'edit-plan', planId: s.editedPlanId };
  }
  const planId = s.selectedPlanId;
  if (!planId) return { screen: 'plans' };
  const tab = s.planTab;
  if (tab === 'versions') return { screen: 'versions', planId, version: s.shownVersion[planId] ?? null };
  if (tab === 'compare') {
    const runs = s.comparedRuns[planId];
    return runs?.length ? { screen: 'plan', planId, tab, runs } : { screen: 'plan', planId, tab };
  }
  if (tab !== 'graph' && tab !== 'timeline') return { screen: 'plan', planId, tab };
  const runId = s.selectedRunId[planId];
  const taskId = runId && s.selectedTask?.runId === runId ? s.selectedTask.taskId : null;
  if (!runId || (s.autoRun[planId] === runId && (taskId === null || tab === 'timeline'))) {
    return { screen: 'plan', planId, tab };
  }
  return tab === 'timeline' ? { screen: 'run-timeline', runId } : { screen: 'run', runId, taskId };
}

function logSearch(s: RouteState): LogSearch {
  if (s.logsTab === 'audit') {
    const f = s.auditFilter;
    return dropEmpty({
      tab: 'audit',
      q: s.auditQuery,
      about: f.entity,
      who: f.actor,
      since: f.since,
      until: f.until,
    });
  }
  const f = s.memoryFilter;
  return dropEmpty({
    tab: 'memory',
    q: s.memoryQuery,
    type: f.type,
    plan: f.plan_id,
    agent: f.agent,
    tag: f.tag,
    since: f.since,
    until: f.until,
  });
}

/**
 * The sidebar entry a route is under: a run's page under Runs (it is a run's address, shown on
 * its plan's page), a plan's pages and the plan list under Plans, every other screen its own;
 * none for an address that names nothing.
 */
export function sidebarViewOf(route: Route): View | null {
  if (route.screen === 'run' || route.screen === 'run-timeline') return 'runs';
  const view = viewOf(route);
  return view && (UNDER[view] ?? view);
}

/** The screen a route is on. */
export function viewOf(route: Route): View | null {
  switch (route.screen) {
    case 'plans':
    case 'plan':
    case 'versions':
    case 'edit-plan':
    case 'new-plan':
    case 'run':
    case 'run-timeline':
      return 'plans';
    case 'plan-list':
      return 'planlist';
    case 'runs':
    case 'approvals':
    case 'mytasks':
    case 'agents':
    case 'workspaces':
    case 'projects':
    case 'settings':
      return route.screen;
    case 'spend':
    case 'spend-prices':
      return 'spend';
    case 'logs':
      return 'memory';
    case 'not-found':
      return null;
  }
}

/**
 * Whether going from `from` to `to` replaces the history entry rather than adding one: the
 * same page with another search or filter (each letter typed is not a step back), or the
 * Plans screen opening on its first plan.
 */
export function replaces(from: Route, to: Route): boolean {
  const path = (r: Route) => formatRoute(r).split('?')[0];
  // The inbox's tabs (what waits, what was decided) are pages of their own: Back goes between them.
  const tab = (r: Route) => (r.screen === 'approvals' ? (r.show ?? 'pending') : null);
  if (tab(from) !== tab(to)) return false;
  return path(from) === path(to) || (from.screen === 'plans' && viewOf(to) === 'plans');
}
