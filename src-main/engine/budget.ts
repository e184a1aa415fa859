import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { Store } from '../store/store.ts';

type Scope = 'plan' | 'project';

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Budgets: what tasks in flight are expected to cost, per plan and project, and whether one
 * more task would pass a budget (spent + in flight + its cost). Charges become transactions.
 */
export class BudgetLedger {
  private readonly inFlight = new Map<string, number>();
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** The estimate, else the agent's cost per task. */
  costOf(spec: TaskSpec, agent: Agent): number {
    return spec.estimated_cost > 0 ? spec.estimated_cost : agent.cost_per_task;
  }

  /** Adds (or with a negative amount removes) an in-flight estimate. */
  commit(plan: Plan, amount: number): void {
    if (amount === 0) return;
    for (const [scope, id] of scopes(plan)) {
      const k = `${scope}:${id}`;
      this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + amount);
    }
  }

  /** Why this task would pass the plan's or the project's budget, or null. */
  overBudget(plan: Plan, spec: TaskSpec, agent: Agent): { reason: string; cost: number } | null {
    const cost = this.costOf(spec, agent);
    if (cost <= 0) return null;
    for (const [scope, id] of scopes(plan)) {
      const budget = scope === 'plan' ? plan.budget : this.store.projects.get(id)?.budget;
      if (budget === null || budget === undefined) continue;
      const spent = this.store.execution.spent(scope, id);
      const inFlight = this.inFlight.get(`${scope}:${id}`) ?? 0;
      if (spent + inFlight + cost > budget) {
        return {
          cost,
          reason: `cost ${cost} would pass the ${scope} budget of ${budget} (spent ${round(spent)}, in flight ${round(inFlight)})`,
        };
      }
    }
    return null;
  }

  /** Records a charge for a task's attempt as a transaction row. */
  charge(runId: string, plan: Plan, task: TaskRun, amount: number, at: string): void {
    if (amount <= 0) return;
    task.cost += amount;
    this.store.execution.charge({
      run_id: runId,
      plan_id: plan.plan_id,
      project_id: plan.project_id ?? null,
      task_id: task.task_id,
      agent_id: task.agent_id,
      amount,
      kind: 'task',
      created_at: at,
    });
  }
}

function scopes(plan: Plan): [Scope, string][] {
  const list: [Scope, string][] = [['plan', plan.plan_id]];
  if (plan.project_id) list.push(['project', plan.project_id]);
  return list;
}
