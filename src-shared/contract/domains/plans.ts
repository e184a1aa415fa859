import { z } from 'zod';
import type { BudgetScope, PlanSummary, PlanVersionSummary, StoredPlan } from '../../schemas/plan.ts';
import { actorField, byId, idField, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export interface ValidationReport {
  ok: boolean;
  issues: { path: string; message: string }[];
}

/** A plan's budget and what counts against it now (`plans.spend`). */
export interface PlanSpend {
  plan_id: string;
  /** The current version's budget, null without one. */
  budget: number | null;
  /** `run`: each run may spend the budget; `plan`: all runs share it. */
  budget_scope: BudgetScope;
  /** What counts against the budget now: the latest run's spend (per run), or every run's (across runs). */
  spent: number;
  /** Model calls beside `spent` whose cost is not known: the spend is then `spent` plus an unknown amount. */
  unknown: number;
  remaining: number | null;
  /** The plan's latest run, null before any. */
  run_id: string | null;
  /** What the latest run has spent (0 before any run), and its calls of unknown cost. */
  spent_latest_run: number;
  unknown_latest_run: number;
  /** Every run's spend together, and their calls of unknown cost. */
  spent_all_runs: number;
  unknown_all_runs: number;
}

const versionField = z.number({ message: 'must be a version number' }).int().min(1);

export const planMethods = {
  'plans.list': method(none).returns<PlanSummary[]>(),
  /** The plan at its current version, or at `version` (an earlier one). */
  'plans.get': method(
    z.strictObject({
      plan_id: idField,
      version: versionField.optional(),
    }),
  ).returns<StoredPlan>(),
  /** Every saved version of a plan, newest first, with what changed from the one before. */
  'plans.versions': method(byId('plan_id')).returns<PlanVersionSummary[]>(),
  /** Saves an earlier version again as the newest one; history is never rewritten. */
  'plans.restore': method(
    z.strictObject({
      plan_id: idField,
      version: versionField,
    }),
  ).returns<PlanSummary>(),
  /**
   * Validates and stores a plan (a new version when the id exists). `plan` is raw JSON;
   * `new_only`: refused when a plan has the id already (a plan created from a draft).
   */
  'plans.import': method(
    z.strictObject({ plan: z.unknown(), new_only: z.boolean().optional() }),
  ).returns<PlanSummary>(),
  /**
   * What would go wrong with a plan as it stands: what `plans.import` refuses, and more that it
   * saves (a task only coding agents can take naming no workspace). Stores nothing.
   */
  'plans.validate': method(z.strictObject({ plan: z.unknown() })).returns<ValidationReport>(),
  /**
   * Deletes a plan and every version of it. Refused (`conflict`) while runs, schedules or
   * triggers name it: a plan that has run is archived instead, so its runs stay readable.
   */
  'plans.delete': method(byId('plan_id').extend({ actor: actorField.optional() })).returns<{
    deleted: boolean;
  }>(),
  /**
   * Archives a plan (hidden from the plan lists by default; a run of it is refused, whoever asks)
   * or unarchives it. Audited.
   */
  'plans.archive': method(
    z.strictObject({
      plan_id: idField,
      archived: z.boolean({ message: 'must be true (archive) or false (unarchive)' }),
      actor: actorField.optional(),
    }),
  ).returns<PlanSummary>(),
  /** The plan's budget, its scope, and what counts against it now: the designer shows "spent X of Y this run / across runs". */
  'plans.spend': method(byId('plan_id')).returns<PlanSpend>(),
};

export type PlanHandlers = HandlersOf<typeof planMethods>;
