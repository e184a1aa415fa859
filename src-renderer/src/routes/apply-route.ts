import { ContractError } from '../../../src-shared/contract/errors.ts';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { api } from '../api/client.ts';
import type { BatonState } from '../store/index.ts';
import { useBaton } from '../store/index.ts';
import type { Missing } from '../store/nav.ts';
import type { Route } from './routes.ts';
import { dropEmpty } from './routes.ts';

/** The plan a new draft starts from ("Start empty", or the new-plan address opened afresh). */
export const EMPTY_PLAN: PlanInput = {
  plan_id: 'new-plan',
  tasks: [{ task_id: 'task-001', description: '', required_skills: [] }],
};

const get = (): BatonState => useBaton.getState();

/** Whether the navigation that applies a route is still the latest (`applyRoute`'s `current`). */
export type StillCurrent = () => boolean;
const always: StillCurrent = () => true;

/**
 * Makes the store show what `route` names (the inverse of `routeOf`, state-route.ts): the
 * screen, and the plan, run, task, version, approval, agent or search on it, loading what it
 * needs. An id that is not there shows what was not found in the screen's place.
 *
 * What waits for a load goes on only while `current()`: a person who opened another page
 * meanwhile (a reload at the designer's address on a slow machine, then a click on the plan)
 * stays there, rather than being taken to the designer when the load ends.
 */
export async function applyRoute(route: Route, current: StillCurrent = always): Promise<void> {
  const s = get();
  s.setMissing(null);
  switch (route.screen) {
    case 'plans':
      return s.setView('plans');
    case 'plan-list':
      s.setView('planlist');
      return s.setPlanListFilter(route.filter);
    case 'plan':
    case 'versions':
      return openPlan(route, current);
    case 'edit-plan':
    case 'new-plan':
      return openDesigner(route, current);
    case 'run':
    case 'run-timeline':
      return openRun(route, current);
    case 'runs':
      s.setView('runs');
      return s.setRunsFilter(route.filter);
    case 'approvals':
      s.setView('approvals');
      s.setApprovalFilter({
        ...(route.plan ? { plan_id: route.plan } : {}),
        ...(route.kind ? { kind: route.kind } : {}),
      });
      s.setApprovalsTab(route.show ?? 'pending');
      s.setApprovalSort(route.sort ?? 'blocking');
      return s.openApproval(route.approvalId);
    case 'mytasks':
      s.setView('mytasks');
      return s.setTasksScope(route.scope ?? 'mine');
    case 'workspaces':
      s.setView('workspaces');
      return s.openWorkspaceSandbox(route.sandboxOf ?? null);
    case 'projects':
      return s.setView(route.screen);
    case 'agents':
      return openAgent(route.agentId, current);
    case 'spend':
      s.setView('spend');
      s.setSpendTab('spend');
      s.setSpendFilter(route.filter);
      // Its figures are read while the screen's code loads.
      return void get().loadSpend(get().spendFilter);
    case 'spend-prices':
      s.setView('spend');
      return s.setSpendTab('prices');
    case 'logs':
      return openLogs(route);
    case 'settings':
      s.setView('settings');
      return s.setSettingsTab(route.tab);
    case 'not-found':
      return miss({
        route,
        title: 'No page here',
        detail: `Baton has no page at ${route.path}. The link may be mistyped, or from another version of Baton.`,
        back: { route: { screen: 'plans' }, label: 'Go to Plans' },
      });
    default: {
      // Every route has its case: a new one is a compile error here until it has.
      const unknown: never = route;
      return unknown;
    }
  }
}

/** Shows what was not found, on the screen the route belongs to. */
function miss(missing: Missing, view?: BatonState['view']): void {
  if (view) get().setView(view);
  get().setMissing(missing);
}

/** Resolves once the store satisfies `ok` (a list loaded). */
function until(ok: (s: BatonState) => boolean): Promise<void> {
  if (ok(get())) return Promise.resolve();
  return new Promise((resolve) => {
    const off = useBaton.subscribe((s) => {
      if (!ok(s)) return;
      off();
      resolve();
    });
  });
}

/** Whether the plan exists, once the plan list is loaded. */
async function planExists(planId: string): Promise<boolean> {
  await until((s) => s.plansLoaded);
  return get().plans.some((p) => p.plan_id === planId);
}

/**
 * Whether the route goes on to open the plan, once the plan list is loaded: not when a newer
 * navigation began meanwhile, nor when there is no such plan (then said in its place).
 */
async function planToOpen(route: Route, planId: string, current: StillCurrent): Promise<boolean> {
  const exists = await planExists(planId);
  if (!current()) return false;
  if (!exists) miss(noPlan(route, planId), 'plans');
  return exists;
}

const noPlan = (route: Route, planId: string): Missing => ({
  route,
  title: `No plan ${planId}`,
  detail: `There is no plan ${planId} here: it may have been deleted, or the link is mistyped.`,
  back: { route: { screen: 'plans' }, label: 'Go to Plans' },
});

/**
 * Whether the Plans screen may leave the designer for another page: a draft without changes is
 * closed; one with changes stays open (nothing typed is lost to Back), and says how to leave.
 */
function leaveDesigner(): boolean {
  const s = get();
  if (!s.draft) return true;
  if (s.past.length === 0 && !s.draftIsNew) {
    s.endEdit();
    return true;
  }
  s.setView('plans');
  s.sayInDesigner('Your changes are not saved: save them, or discard them, to leave the designer.');
  return false;
}

/** A plan's page at its newest run, on a tab; or its version history. */
async function openPlan(
  route: Extract<Route, { screen: 'plan' | 'versions' }>,
  current: StillCurrent,
): Promise<void> {
  const { planId } = route;
  if (!leaveDesigner()) return;
  if (!(await planToOpen(route, planId, current))) return;
  const s = get();
  s.setPlanTab(route.screen === 'versions' ? 'versions' : route.tab);
  if (route.screen === 'plan' && route.tab === 'compare') s.setComparedRuns(planId, route.runs ?? []);
  if (s.selectedTask) void s.selectRunTask(s.selectedTask.runId, null);
  // The plan's address shows its newest run: the one known now, else the newest once its runs load.
  const newest = s.runsByPlan[planId]?.[0]?.id;
  const open = newest ? s.selectRun(planId, newest, true) : undefined;
  await Promise.all([s.selectPlan(planId), open]);
  if (route.screen !== 'versions' || !current()) return;
  if (route.version === null) return get().showVersion(planId, null);
  await get().loadVersions(planId);
  if (!current()) return;
  if (get().planVersions[planId]?.some((v) => v.version === route.version)) {
    return get().showVersion(planId, route.version);
  }
  miss({
    route,
    title: `No version ${route.version} of ${planId}`,
    detail: `Plan ${planId} has no version ${route.version}.`,
    back: { route: { screen: 'versions', planId, version: null }, label: `See the versions of ${planId}` },
  });
}

/** The designer on a saved plan, or on a new one; a draft open with changes stays as it is. */
async function openDesigner(
  route: Extract<Route, { screen: 'edit-plan' | 'new-plan' }>,
  current: StillCurrent,
): Promise<void> {
  const s = get();
  const editing = route.screen === 'edit-plan' ? route.planId : null;
  if (s.draft && (editing === null ? s.draftIsNew : !s.draftIsNew && s.editedPlanId === editing)) {
    return s.setView('plans');
  }
  if (!leaveDesigner()) return;
  if (editing === null) return s.beginEdit(EMPTY_PLAN, true);
  if (!(await planToOpen(route, editing, current))) return;
  await s.selectPlan(editing);
  if (!current()) return;
  const stored = get().planDetails[editing];
  if (stored) get().beginEdit(stored.plan);
}

/** Which plan a run belongs to: from the lists loaded, else asked; null when there is no such run. */
async function planOfRun(runId: string): Promise<string | null | undefined> {
  const s = get();
  const known =
    s.allRuns?.find((r) => r.id === runId) ??
    Object.values(s.runsByPlan)
      .flat()
      .find((r) => r.id === runId);
  if (known) return known.plan_id;
  try {
    return (await api.getRun(runId)).plan_id;
  } catch (err) {
    if (err instanceof ContractError && (err.code === 'not_found' || err.code === 'invalid_input'))
      return null;
    get().fail(`Could not open run ${runId}`, err);
    return undefined;
  }
}

/** A run on its plan's page, and the task selected in it (or its timeline). */
async function openRun(
  route: Extract<Route, { screen: 'run' | 'run-timeline' }>,
  current: StillCurrent,
): Promise<void> {
  const { runId } = route;
  if (!leaveDesigner()) return;
  // A task the person opens while the run loads (its rows show before the run's last load ends) stays open.
  const before = taskKey(get());
  const planId = await planOfRun(runId);
  if (!current()) return;
  const runs = { screen: 'runs', filter: {} } as const;
  if (planId === null) {
    return miss(
      {
        route,
        title: `No run ${runId}`,
        detail: `There is no run ${runId}: it may have been deleted, or the link is mistyped.`,
        back: { route: runs, label: 'See every run' },
      },
      'runs',
    );
  }
  if (planId === undefined) return;
  get().setPlanTab(route.screen === 'run-timeline' ? 'timeline' : 'graph');
  await get().openRun(planId, runId);
  if (route.screen === 'run-timeline' || !current()) return;
  const s = get();
  if (taskKey(s) !== before) return;
  if (route.taskId === null) return s.selectRunTask(runId, null);
  const inRun =
    s.runTasks[runId]?.[route.taskId] !== undefined ||
    s.planDetails[planId]?.plan.tasks.some((t) => t.task_id === route.taskId) ||
    s.addedTasks[runId]?.some((t) => t.task_id === route.taskId);
  if (inRun) return s.selectRunTask(runId, route.taskId);
  miss({
    route,
    title: `No task ${route.taskId} in run ${runId}`,
    detail: `Run ${runId} of ${planId} has no task ${route.taskId}.`,
    back: { route: { screen: 'run', runId, taskId: null }, label: `Open run ${runId}` },
  });
}

/** The task open in the store, as one string (the same task selected again is the same key). */
const taskKey = (s: BatonState): string =>
  s.selectedTask ? `${s.selectedTask.runId}/${s.selectedTask.taskId}` : '';

/** The Agents screen, with an agent's page open. */
async function openAgent(agentId: string | null, current: StillCurrent): Promise<void> {
  const s = get();
  s.setView('agents');
  s.openAgent(agentId);
  if (agentId === null) return;
  await until((st) => st.agentsLoaded);
  if (!current() || get().agents.some((a) => a.id === agentId)) return;
  get().openAgent(null);
  miss({
    route: { screen: 'agents', agentId },
    title: `No agent ${agentId}`,
    detail: `There is no agent ${agentId}: it may have been removed, or the link is mistyped.`,
    back: { route: { screen: 'agents', agentId: null }, label: 'See every agent' },
  });
}

/** The Build logs screen with a search and its filters, searched at once. */
function openLogs(route: Extract<Route, { screen: 'logs' }>): void {
  const s = get();
  s.setView('memory');
  const search = route.search;
  s.setLogsTab(search.tab);
  if (search.tab === 'memory') {
    const { tab: _, q, type, plan, agent, tag, since, until } = search;
    // The query first: setting the filter searches again, with the query it finds.
    useBaton.setState({ memoryQuery: q });
    s.setMemoryFilter(dropEmpty({ type, plan_id: plan, agent, tag, since, until }));
  } else {
    const { tab: _, q, about, who, since, until } = search;
    useBaton.setState({ auditQuery: q });
    s.setAuditFilter(dropEmpty({ entity: about, actor: who, since, until }));
  }
}
