import { describe, expect, it } from 'vitest';
import { formatRoute } from './routes.ts';
import type { RouteState } from './state-route.ts';
import { replaces, routeOf, screenRoute, sidebarViewOf } from './state-route.ts';

/** The store as the app starts: the Plans screen, nothing open. */
const start: RouteState = {
  view: 'plans',
  missing: null,
  draft: null,
  draftIsNew: false,
  editedPlanId: null,
  selectedPlanId: null,
  selectedRunId: {},
  autoRun: {},
  selectedTask: null,
  planTab: 'graph',
  comparedRuns: {},
  shownVersion: {},
  runsFilter: {},
  planListFilter: {},
  openApprovalId: null,
  approvalFilter: {},
  approvalsTab: 'pending',
  approvalSort: 'blocking',
  openAgentId: null,
  workspaceSandboxOpen: null,
  logsTab: 'memory',
  memoryQuery: '',
  memoryFilter: {},
  auditQuery: '',
  auditFilter: {},
  settingsTab: 'webhooks',
  tasksScope: 'mine',
  spendFilter: {},
  spendTab: 'spend',
};
const at = (s: Partial<RouteState>) => formatRoute(routeOf({ ...start, ...s }));

describe('the address of what the store shows', () => {
  it('is the plan’s while it shows the run it opened on, and the run’s once one is chosen', () => {
    const opened = { selectedPlanId: 'alpha', selectedRunId: { alpha: 'r2' }, autoRun: { alpha: 'r2' } };
    expect(at({ selectedPlanId: 'alpha' })).toBe('/plans/alpha');
    expect(at(opened)).toBe('/plans/alpha');
    expect(at({ ...opened, planTab: 'timeline' })).toBe('/plans/alpha/timeline');
    expect(at({ ...opened, selectedRunId: { alpha: 'r1' } })).toBe('/runs/r1');
    expect(at({ ...opened, selectedRunId: { alpha: 'r1' }, planTab: 'timeline' })).toBe('/runs/r1/timeline');
    // A task picked names its run, whichever it is.
    expect(at({ ...opened, selectedTask: { runId: 'r2', taskId: 'build' } })).toBe('/runs/r2/tasks/build');
    // A task picked in a run that is not shown is not this page's.
    expect(at({ ...opened, selectedTask: { runId: 'r9', taskId: 'build' } })).toBe('/plans/alpha');
  });

  it('names the workspace whose Sandbox editor an address opened', () => {
    expect(at({ view: 'workspaces' })).toBe('/workspaces');
    expect(at({ view: 'workspaces', workspaceSandboxOpen: 'web app' })).toBe('/workspaces/web%20app/sandbox');
  });

  it('names the plan’s other tabs, the version shown, and the designer', () => {
    const plan = { selectedPlanId: 'alpha', selectedRunId: { alpha: 'r1' } };
    expect(at({ ...plan, planTab: 'compare' })).toBe('/plans/alpha/compare');
    expect(at({ ...plan, planTab: 'compare', comparedRuns: { alpha: ['r1', 'r2', 'r3'] } })).toBe(
      '/plans/alpha/compare?runs=r1,r2,r3',
    );
    expect(at({ ...plan, planTab: 'grid' })).toBe('/plans/alpha/grid');
    expect(at({ ...plan, planTab: 'versions' })).toBe('/plans/alpha/versions');
    expect(at({ ...plan, planTab: 'versions', shownVersion: { alpha: 3 } })).toBe('/plans/alpha/versions/3');
    const draft = { plan_id: 'alpha', tasks: [] };
    expect(at({ ...plan, draft, editedPlanId: 'alpha' })).toBe('/plans/alpha/edit');
    expect(at({ ...plan, draft, draftIsNew: true })).toBe('/new-plan');
  });

  it('names the other screens with their selections, searches and filters', () => {
    expect(at({ view: 'runs', runsFilter: { status: 'failed' } })).toBe('/runs?status=failed');
    expect(at({ view: 'approvals', openApprovalId: 'ap-1', approvalFilter: { kind: 'budget' } })).toBe(
      '/approvals/ap-1?kind=budget',
    );
    expect(at({ view: 'approvals', approvalsTab: 'decided' })).toBe('/approvals?show=decided');
    expect(at({ view: 'approvals', approvalSort: 'newest', approvalFilter: { plan_id: 'alpha' } })).toBe(
      '/approvals?plan=alpha&sort=newest',
    );
    expect(at({ view: 'agents', openAgentId: 'writer' })).toBe('/agents/writer');
    expect(
      at({ view: 'memory', memoryQuery: 'deploy', memoryFilter: { type: 'build_log', plan_id: 'alpha' } }),
    ).toBe('/logs?q=deploy&type=build_log&plan=alpha');
    expect(at({ view: 'memory', logsTab: 'audit', auditQuery: 'x', auditFilter: { actor: 'ana' } })).toBe(
      '/logs/audit?q=x&who=ana',
    );
    expect(at({ view: 'settings', settingsTab: 'notifications' })).toBe('/settings/notifications');
    expect(at({ view: 'mytasks' })).toBe('/my-tasks');
    expect(at({ view: 'mytasks', tasksScope: 'everyone' })).toBe('/my-tasks/everyone');
    expect(at({ view: 'planlist', planListFilter: { q: 'docs', archived: true } })).toBe(
      '/plans?q=docs&archived=1',
    );
    expect(at({ view: 'spend', spendFilter: { by: 'model', project: 'shop', range: '7d' } })).toBe(
      '/spend?by=model&range=7d&project=shop',
    );
    expect(at({ view: 'spend', spendTab: 'prices', spendFilter: { by: 'model' } })).toBe('/spend/prices');
    // A plan selected behind it does not change the Plans page's address.
    expect(at({ view: 'planlist', selectedPlanId: 'alpha' })).toBe('/plans');
  });

  it('keeps the address of what was not found', () => {
    const route = { screen: 'run', runId: 'gone', taskId: null } as const;
    const missing = {
      route,
      title: 'No run gone',
      detail: '',
      back: { route: { screen: 'plans' }, label: '' },
    } as const;
    expect(at({ view: 'runs', missing })).toBe('/runs/gone');
    // The sidebar still links to the screen as it was.
    expect(formatRoute(screenRoute({ ...start, missing }, 'runs'))).toBe('/runs');
  });
});

describe('which moves replace the history entry', () => {
  it('replaces for a search typed or a filter changed, and for the Plans screen opening on a plan', () => {
    expect(replaces({ screen: 'runs', filter: {} }, { screen: 'runs', filter: { q: 'a' } })).toBe(true);
    expect(
      replaces(
        { screen: 'logs', search: { tab: 'memory', q: 'a' } },
        { screen: 'logs', search: { tab: 'memory', q: 'ab' } },
      ),
    ).toBe(true);
    expect(replaces({ screen: 'plans' }, { screen: 'plan', planId: 'alpha', tab: 'graph' })).toBe(true);
    expect(replaces({ screen: 'plan-list', filter: {} }, { screen: 'plan-list', filter: { q: 'd' } })).toBe(
      true,
    );
  });

  it('adds an entry for another page', () => {
    expect(
      replaces({ screen: 'run', runId: 'r1', taskId: null }, { screen: 'run', runId: 'r1', taskId: 't' }),
    ).toBe(false);
    expect(
      replaces({ screen: 'plan', planId: 'a', tab: 'graph' }, { screen: 'run', runId: 'r1', taskId: null }),
    ).toBe(false);
    expect(
      replaces(
        { screen: 'logs', search: { tab: 'memory', q: '' } },
        { screen: 'logs', search: { tab: 'audit', q: '' } },
      ),
    ).toBe(false);
    expect(replaces({ screen: 'plans' }, { screen: 'agents', agentId: null })).toBe(false);
    expect(replaces({ screen: 'plan-list', filter: {} }, { screen: 'plan', planId: 'a', tab: 'graph' })).toBe(
      false,
    );
  });
});

describe('the sidebar entry an address is under', () => {
  it('marks Runs on a run’s page, Plans on a plan’s pages and the plan list, nothing on an address that names nothing', () => {
    expect(sidebarViewOf({ screen: 'run', runId: 'r1', taskId: null })).toBe('runs');
    expect(sidebarViewOf({ screen: 'run-timeline', runId: 'r1' })).toBe('runs');
    expect(sidebarViewOf({ screen: 'plan', planId: 'alpha', tab: 'graph' })).toBe('plans');
    expect(sidebarViewOf({ screen: 'plan-list', filter: {} })).toBe('plans');
    expect(sidebarViewOf({ screen: 'new-plan' })).toBe('plans');
    expect(sidebarViewOf({ screen: 'approvals', approvalId: null })).toBe('approvals');
    expect(sidebarViewOf({ screen: 'not-found', path: '/nope' })).toBe(null);
  });
});
