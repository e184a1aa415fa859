import type { BudgetScopeKind, BudgetStatus } from '../../src-shared/schemas/spend.ts';
import type { Store } from '../store/store.ts';

const stateOf = (spent: number, budget: number): BudgetStatus['state'] =>
  spent > budget ? 'over' : spent >= budget ? 'reached' : 'within';

/**
 * Every budget against what was charged to it (`spend.budgets`): each project's; each plan's,
 * across its runs or per run as its current version says (per run: its latest run's spend, and
 * every run that spent more than the budget). Only a project's and its plans', or a plan's and its
 * project's, when one is named. Over budget first, then reached, then the rest by name.
 */
export function budgetStatuses(
  store: Store,
  only: { project_id?: string; plan_id?: string },
): BudgetStatus[] {
  const plans = store.budgets.planBudgets();
  const planIn = only.plan_id === undefined ? null : planProject(store, only.plan_id);
  const wanted = {
    project: (id: string) =>
      (only.project_id === undefined || only.project_id === id) &&
      (only.plan_id === undefined || planIn === id),
    plan: (id: string, project: string | null) =>
      (only.plan_id === undefined || only.plan_id === id) &&
      (only.project_id === undefined || only.project_id === project),
  };
  const reachedAt = (scope: BudgetScopeKind, id: string, budget: number) =>
    store.budgets.reached(scope, id, budget)?.at ?? null;
  const out: BudgetStatus[] = [];
  for (const p of store.projects.list()) {
    if (p.budget === null || !wanted.project(p.id)) continue;
    const spent = store.execution.spent('project', p.id);
    out.push({
      scope: 'project',
      id: p.id,
      name: p.name,
      budget: p.budget,
      spent,
      unknown: store.execution.unknown('project', p.id),
      run_id: null,
      state: stateOf(spent, p.budget),
      reached_at: reachedAt('project', p.id, p.budget),
      runs_over: [],
    });
  }
  for (const p of plans) {
    if (!wanted.plan(p.id, p.project_id)) continue;
    if (p.budget_scope === 'plan') {
      const spent = store.execution.spent('plan', p.id);
      out.push({
        scope: 'plan',
        id: p.id,
        name: p.name,
        budget: p.budget,
        spent,
        unknown: store.execution.unknown('plan', p.id),
        run_id: null,
        state: stateOf(spent, p.budget),
        reached_at: reachedAt('plan', p.id, p.budget),
        runs_over: [],
      });
      continue;
    }
    const run = store.budgets.latestRun(p.id);
    const spent = run === null ? 0 : store.execution.spent('run', run);
    const runsOver = store.budgets.runsOver(p.id, p.budget);
    out.push({
      scope: 'run',
      id: p.id,
      name: p.name,
      budget: p.budget,
      spent,
      unknown: run === null ? 0 : store.execution.unknown('run', run),
      run_id: run,
      state: stateOf(spent, p.budget),
      reached_at: run === null ? null : reachedAt('run', run, p.budget),
      runs_over: runsOver,
    });
  }
  const rank = { over: 0, reached: 1, within: 2 } as const;
  return out.sort((a, b) => rank[a.state] - rank[b.state] || a.name.localeCompare(b.name));
}

/** The project a plan is in, as its current version says (a plan without a budget too). */
function planProject(store: Store, planId: string): string | null {
  return store.plans.list().find((p) => p.plan_id === planId)?.project_id ?? null;
}
