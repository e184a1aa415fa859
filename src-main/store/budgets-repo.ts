import type { BudgetScopeKind } from '../../src-shared/schemas/spend.ts';
import type { Db } from './db.ts';

/** A budget the first time what was charged to it reached it (migration 038). */
export interface ReachedBudget {
  scope: BudgetScopeKind;
  scope_id: string;
  budget: number;
  spent: number;
  run_id: string | null;
  at: string;
}

/** A plan with a budget, as its current version says. */
export interface PlanBudget {
  id: string;
  name: string;
  project_id: string | null;
  budget: number;
  budget_scope: 'run' | 'plan';
}

/**
 * Budgets reached, once each: a plan's or project's (or a run's, for a plan whose budget holds
 * per run) for a given amount. And what a plan's runs were charged each, for the budgets that
 * hold per run.
 */
export function createBudgetsRepo(db: Db) {
  const add = db.prepare(`INSERT INTO budgets_reached (scope, scope_id, budget, spent, run_id, at)
    VALUES (@scope, @scope_id, @budget, @spent, @run_id, @at) ON CONFLICT DO NOTHING`);
  const reached = db.prepare<[string, string, number], ReachedBudget>(
    'SELECT * FROM budgets_reached WHERE scope = ? AND scope_id = ? AND budget = ?',
  );
  const runsOver = db.prepare<[string, number], { run_id: string; spent: number }>(
    `SELECT run_id, sum(amount) AS spent FROM transactions WHERE plan_id = ? GROUP BY run_id
     HAVING sum(amount) > ? ORDER BY min(id)`,
  );
  // The current version's budget, read by SQLite from its body (a big plan's JSON is not parsed in JS).
  const planBudgets = db.prepare<[], PlanBudget>(
    `SELECT p.id, p.name, p.project_id, CAST(json_extract(v.body, '$.budget') AS REAL) AS budget,
       coalesce(json_extract(v.body, '$.budget_scope'), 'run') AS budget_scope
     FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version
     WHERE json_type(v.body, '$.budget') IN ('integer', 'real') ORDER BY p.name, p.id`,
  );
  const latestRun = db
    .prepare<[string], string>(
      'SELECT id FROM runs WHERE plan_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
    )
    .pluck();
  return {
    /** Every plan whose current version has a budget. */
    planBudgets: (): PlanBudget[] => planBudgets.all(),
    /** A plan's newest run, if any. */
    latestRun: (planId: string): string | null => latestRun.get(planId) ?? null,
    /** Records that a budget was reached; false when it was already (for that amount). */
    reach: (r: ReachedBudget): boolean => add.run(r).changes > 0,
    reached: (scope: BudgetScopeKind, id: string, budget: number): ReachedBudget | undefined =>
      reached.get(scope, id, budget),
    /** The runs of a plan that were charged more than `budget` each, oldest first. */
    runsOver: (planId: string, budget: number): { run_id: string; spent: number }[] =>
      runsOver.all(planId, budget),
  };
}
export type BudgetsRepo = ReturnType<typeof createBudgetsRepo>;
