import { z } from 'zod';
import type { PlanSummary, PlanVersionSummary, StoredPlan } from '../../schemas/plan.ts';
import { byId, idField, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export interface ValidationReport {
  ok: boolean;
  issues: { path: string; message: string }[];
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
  /** Validates and stores a plan (a new version when the id exists). `plan` is raw JSON. */
  'plans.import': method(z.strictObject({ plan: z.unknown() })).returns<PlanSummary>(),
  'plans.validate': method(z.strictObject({ plan: z.unknown() })).returns<ValidationReport>(),
  'plans.delete': method(byId('plan_id')).returns<{ deleted: boolean }>(),
};

export type PlanHandlers = HandlersOf<typeof planMethods>;
