import type { PlanHandlers } from '../../src-shared/contract/domains.ts';
import type { Plan, PlanVersionSummary, StoredPlan } from '../../src-shared/schemas/plan.ts';
import { parsePlan } from '../../src-shared/schemas/plan.ts';
import { countDiff, diffPlans } from '../../src-shared/schemas/plan-diff.ts';
import { AppError, invalidInput, toIssues } from '../errors.ts';
import type { PlanVersionRow } from '../store/plans-repo.ts';
import type { AppContext } from './context.ts';

export function planHandlers({ store, bus, now }: AppContext): PlanHandlers {
  /** The plan at a version (the current one by default), or a not_found naming what exists. */
  const found = (plan_id: string, version?: number): StoredPlan => {
    const plan = store.plans.get(plan_id, version);
    if (plan) return plan;
    const latest = store.plans.summary(plan_id)?.version;
    if (latest === undefined) throw new AppError('not_found', `plan "${plan_id}" not found`);
    throw new AppError('not_found', `plan "${plan_id}" has no version ${version} (versions 1–${latest})`, {
      field: 'version',
      latest,
    });
  };
  return {
    'plans.list': () => store.plans.list(),
    'plans.get': ({ plan_id, version }) => found(plan_id, version),
    'plans.versions': ({ plan_id }) => {
      const rows = store.plans.versions(plan_id);
      if (rows.length === 0) throw new AppError('not_found', `plan "${plan_id}" not found`);
      return versionList(plan_id, rows, (v) => store.plans.get(plan_id, v)?.plan);
    },
    'plans.restore': ({ plan_id, version }) => {
      const old = found(plan_id, version);
      const summary = store.tx(() => store.plans.save(old.plan, now()));
      bus.emit('plan.updated', summary);
      return summary;
    },
    'plans.validate': ({ plan }) => {
      const parsed = parsePlan(plan);
      return parsed.ok ? { ok: true, issues: [] } : { ok: false, issues: toIssues(parsed.issues) };
    },
    'plans.import': ({ plan }) => {
      const parsed = parsePlan(plan);
      if (!parsed.ok) throw invalidInput('plan is invalid', toIssues(parsed.issues));
      const summary = store.tx(() => store.plans.save(parsed.plan, now()));
      bus.emit('plan.updated', summary);
      return summary;
    },
    'plans.delete': ({ plan_id }) => ({ deleted: store.tx(() => store.plans.delete(plan_id)) }),
  };
}

/** Past this many tasks over all versions, the list leaves out what changed (it would parse every body). */
const DIFF_TASK_LIMIT = 100_000;

/** The version list, newest first, each with what changed from the version before. */
function versionList(
  plan_id: string,
  rows: PlanVersionRow[],
  body: (version: number) => Plan | undefined,
): PlanVersionSummary[] {
  const diffs = rows.reduce((n, r) => n + r.task_count, 0) <= DIFF_TASK_LIMIT;
  const out: PlanVersionSummary[] = [];
  // Oldest first, so each body is parsed once and compared with the one before.
  let prev: Plan | undefined;
  for (const row of [...rows].reverse()) {
    const plan = diffs ? body(row.version) : undefined;
    out.push({
      plan_id,
      ...row,
      current: row.version === rows[0]!.version,
      changes: prev && plan ? countDiff(diffPlans(prev, plan)) : null,
    });
    prev = plan;
  }
  return out.reverse();
}
