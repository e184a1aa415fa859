import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import { budgetScopeOf } from '../../src-shared/schemas/plan.ts';
import type { SpendReport, TaskRun } from '../../src-shared/schemas/run.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import type { Store } from '../store/store.ts';

type Scope = 'run' | 'plan' | 'project';

/** The run whose spend is weighed: its id and the plan (version) it runs. */
export interface Payer {
  id: string;
  plan: Plan;
}

/** How a scope's budget reads in a reason a person sees. */
const BUDGET_NAMES: Record<Scope, (budget: number) => string> = {
  run: (b) => `the plan budget of ${b} for this run`,
  plan: (b) => `the plan budget of ${b} across its runs`,
  project: (b) => `the project budget of ${b}`,
};

/** Whose budget it is, in a reason. */
const WHOSE: Record<Scope, (id: string, run: Payer) => string> = {
  run: (id, run) => `plan ${run.plan.plan_id}, run ${id}`,
  plan: (id) => `plan ${id}`,
  project: (id) => `project ${id}`,
};

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * An amount an agent says it spent, if it can be believed: a finite number ≥ 0, else null (not
 * known). Infinity (a model's made-up usage priced) would stay in every sum it joined: the
 * task's cost and its budgets' spend read back as null, and a budget stayed `over` for good.
 */
export function believedUsd(usd: unknown): number | null {
  return typeof usd === 'number' && Number.isFinite(usd) && usd >= 0 && usd <= MOST_BELIEVED_USD ? usd : null;
}

/**
 * The most one call or step is believed to cost: past it, unknown. Finite amounts near the largest
 * number added up to Infinity in a task's sum all the same.
 */
export const MOST_BELIEVED_USD = 1_000_000;

/** A usage step whose cost cannot be believed, kept with its cost unknown; any other step as it is. */
export function withBelievedCost(step: Step): Step {
  if (step.kind !== 'usage' || step.cost_usd === null || believedUsd(step.cost_usd) !== null) return step;
  return { ...step, cost_usd: null, cost_source: 'unknown' };
}
/** How long a scope's spend read from the store is used before it is read again. */
const SPENT_FRESH_MS = 1_000;

/**
 * Budgets: what tasks in flight are expected to cost, per run (or per plan: its `budget_scope`)
 * and project, and whether one more task would pass a budget (spent + in flight + its cost).
 * Charges become transactions.
 */
export class BudgetLedger {
  private readonly inFlight = new Map<string, number>();
  /** Spend per scope as last read from the store, plus this process's charges since. */
  private readonly spent = new Map<string, { amount: number; readAt: number }>();
  /** Budgets (scope, id, amount) known to be reached: their `budget.reached` is written once. */
  private readonly reached = new Set<string>();
  private readonly store: Store;
  private readonly now: () => number;

  constructor(store: Store, now: () => number = Date.now) {
    this.store = store;
    this.now = now;
  }

  /**
   * What a scope has spent. Summing its transaction rows on every dispatch would grow with its
   * history; the sum is re-read at most once a second (other processes' charges show by then).
   */
  private spentOf(scope: Scope, id: string): number {
    const k = `${scope}:${id}`;
    const known = this.spent.get(k);
    const now = this.now();
    if (known && now - known.readAt < SPENT_FRESH_MS) return known.amount;
    const amount = this.store.execution.spent(scope, id);
    this.spent.set(k, { amount, readAt: now });
    return amount;
  }

  /** Forgets spend read or charged so far (a transaction that charged was rolled back). */
  forgetSpent(): void {
    this.spent.clear();
    this.reached.clear();
  }

  /** The estimate, else the agent's cost per task. */
  costOf(spec: TaskSpec, agent: Agent): number {
    return spec.estimated_cost > 0 ? spec.estimated_cost : agent.cost_per_task;
  }

  /** Adds (or with a negative amount removes) an in-flight estimate. */
  commit(run: Payer, amount: number): void {
    if (amount === 0) return;
    for (const [scope, id] of scopes(run)) {
      const k = `${scope}:${id}`;
      this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + amount);
    }
  }

  /**
   * Why this task would pass the plan's or the project's budget, or null. A budget already used
   * up holds every task, even one without an estimate: what such a task costs is known only from
   * the usage its agent reports, once the money is spent. A task that costs nothing (no
   * estimate, no cost per task, and an agent that reports no usage: a person, a command) never
   * waits on money, whatever is left.
   */
  overBudget(
    run: Payer,
    spec: TaskSpec,
    agent: Agent,
    reportsUsage: boolean,
  ): { reason: string; cost: number } | null {
    const cost = this.costOf(spec, agent);
    if (cost === 0 && !reportsUsage) return null;
    for (const [scope, id] of scopes(run)) {
      const budget = scope === 'project' ? this.store.projects.get(id)?.budget : run.plan.budget;
      if (budget === null || budget === undefined) continue;
      const spent = this.spentOf(scope, id);
      const inFlight = this.inFlight.get(`${scope}:${id}`) ?? 0;
      const name = BUDGET_NAMES[scope](budget);
      const so = `(spent ${round(spent)}, in flight ${round(inFlight)})`;
      if (spent + inFlight >= budget) return { cost, reason: `${name} is used up ${so}` };
      if (spent + inFlight + cost > budget) return { cost, reason: `cost ${cost} would pass ${name} ${so}` };
    }
    return null;
  }

  /**
   * Whether spending while attempts run used up the plan's or the project's budget: what the
   * scope was charged, plus what its attempts running now spent and were not charged yet
   * (`running`: each with the run it belongs to), reaches the budget. The reason, or null. The
   * rule an agent that thinks in model turns is held to before each turn (`TaskContext.budgetPassed`).
   */
  usedUp(run: Payer, running: Iterable<{ payer: Payer; spent: number }>): string | null {
    for (const [scope, id] of scopes(run)) {
      const budget = scope === 'project' ? this.store.projects.get(id)?.budget : run.plan.budget;
      if (budget === null || budget === undefined) continue;
      let live = 0;
      for (const r of running)
        if (r.spent > 0 && scopes(r.payer).some(([s, i]) => s === scope && i === id)) live += r.spent;
      const charged = this.spentOf(scope, id);
      if (charged + live >= budget)
        return `${BUDGET_NAMES[scope](budget)} is used up (spent ${round(charged + live)}: ${round(charged)} charged, ${round(live)} by attempts still running)`;
    }
    return null;
  }

  /**
   * Records a charge for a task's attempt as a transaction row: `amount` USD, and `unknown` model
   * calls whose cost is not known (a charge of unknown spend is a row too, never a $0 left out).
   */
  charge(run: Payer, task: TaskRun, amount: number, at: string, unknown = 0): void {
    if (amount <= 0 && unknown <= 0) return;
    amount = Math.max(0, amount);
    task.cost += amount;
    task.cost_unknown += unknown;
    const plan = run.plan;
    this.store.execution.charge({
      run_id: run.id,
      plan_id: plan.plan_id,
      project_id: plan.project_id ?? null,
      task_id: task.task_id,
      agent_id: task.agent_id,
      amount,
      unknown,
      kind: 'task',
      created_at: at,
    });
    for (const [scope, id] of scopes(run)) {
      const known = this.spent.get(`${scope}:${id}`);
      if (known) known.amount += amount;
    }
    if (amount > 0) this.noteReached(run, at);
  }

  /**
   * The budgets of the run's scopes that what was charged has now reached, each recorded once
   * (for its amount: a budget raised and reached again is told again) with an audit entry, in
   * the transaction of the charge: what `budget.reached` (webhooks, notifications) is told from.
   * A scope without a budget costs nothing here.
   */
  private noteReached(run: Payer, at: string): void {
    for (const [scope, id] of scopes(run)) {
      const budget = scope === 'project' ? this.store.projects.get(id)?.budget : run.plan.budget;
      if (budget === null || budget === undefined) continue;
      const key = `${scope}:${id}:${budget}`;
      if (this.reached.has(key)) continue;
      const spent = this.spentOf(scope, id);
      if (spent < budget) continue;
      this.reached.add(key);
      const first = this.store.budgets.reach({ scope, scope_id: id, budget, spent, run_id: run.id, at });
      if (!first) continue;
      this.store.memory.audit({
        at,
        actor: 'engine',
        entity: 'budget',
        entity_id: `${scope}:${id}`,
        run_id: run.id,
        from_status: null,
        to_status: 'reached',
        why: `${BUDGET_NAMES[scope](budget)} (${WHOSE[scope](id, run)}) is reached: ${round(spent)} charged`,
      });
    }
  }
}

/** The spends a run's task counts in: its own or its plan's (the plan's `budget_scope`), and its project's. */
function scopes({ id, plan }: Payer): [Scope, string][] {
  const list: [Scope, string][] = [budgetScopeOf(plan) === 'run' ? ['run', id] : ['plan', plan.plan_id]];
  if (plan.project_id) list.push(['project', plan.project_id]);
  return list;
}

/** What a run, plan or project has spent, against its budget (`runs.spend`). */
export function spendReport(store: Store, scope: Scope, id: string): SpendReport {
  const spent = store.execution.spent(scope, id);
  // A plan's budget caps one run's spend or its runs' together (`budget_scope`): it is reported
  // against the scope it caps, and only there.
  let budget: number | null = null;
  if (scope === 'run') {
    const run = store.runs.get(id);
    const plan = run && store.plans.get(run.plan_id, run.plan_version)?.plan;
    if (plan && budgetScopeOf(plan) === 'run') budget = plan.budget ?? null;
  }
  if (scope === 'plan') {
    const plan = store.plans.get(id)?.plan;
    if (plan && budgetScopeOf(plan) === 'plan') budget = plan.budget ?? null;
  }
  if (scope === 'project') budget = store.projects.get(id)?.budget ?? null;
  return {
    scope,
    id,
    spent,
    unknown: store.execution.unknown(scope, id),
    budget,
    remaining: budget === null ? null : budget - spent,
    transactions: store.execution.transactions(scope, id),
  };
}
