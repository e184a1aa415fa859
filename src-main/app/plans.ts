import type { PlanHandlers } from '../../src-shared/contract/domains.ts';
import type { Plan, PlanVersionSummary, StoredPlan } from '../../src-shared/schemas/plan.ts';
import { parsePlan } from '../../src-shared/schemas/plan.ts';
import type { PlanDiffCounts } from '../../src-shared/schemas/plan-diff.ts';
import { countDiff, diffPlans } from '../../src-shared/schemas/plan-diff.ts';
import { AppError, invalidInput, toIssues } from '../errors.ts';
import type { PlanVersionRow } from '../store/plans-repo.ts';
import type { AppContext } from './context.ts';

export function planHandlers({ store, bus, now }: AppContext): PlanHandlers {
  const changeCache = new Map<string, PlanDiffCounts>();
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
      return versionList(changeCache, plan_id, rows, (v) => store.plans.get(plan_id, v)?.plan);
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

/** Past this many tasks over the versions to compare, the list leaves out what changed. */
const DIFF_TASK_LIMIT = 50_000;

const CACHE_LIMIT = 10_000;

/**
 * The version list, newest first, each with what changed from the version before.
 * `changeCache` is keyed by `plan@version@saved_at`: versions never change, so each pair is
 * compared once (a plan deleted and imported again saves its versions at other times).
 */
function versionList(
  changeCache: Map<string, PlanDiffCounts>,
  plan_id: string,
  rows: PlanVersionRow[],
  body: (version: number) => Plan | undefined,
): PlanVersionSummary[] {
  const oldestFirst = [...rows].reverse();
  const key = (r: PlanVersionRow) => `${plan_id}@${r.version}@${r.saved_at}`;
  const uncounted = oldestFirst.filter((r, i) => i > 0 && !changeCache.has(key(r)));
  // The bodies a new comparison needs: each uncounted version and the one before it.
  const needed = new Set(
    uncounted.flatMap((r) => [r.version, oldestFirst[oldestFirst.indexOf(r) - 1]!.version]),
  );
  const cost = oldestFirst.filter((r) => needed.has(r.version)).reduce((n, r) => n + r.task_count, 0);
  if (cost <= DIFF_TASK_LIMIT) {
    if (changeCache.size > CACHE_LIMIT) changeCache.clear();
    const plans = new Map<number, Plan | undefined>();
    const get = (v: number) => (plans.has(v) ? plans.get(v) : plans.set(v, body(v)).get(v));
    for (const r of uncounted) {
      const before = get(oldestFirst[oldestFirst.indexOf(r) - 1]!.version);
      const after = get(r.version);
      if (before && after) changeCache.set(key(r), countDiff(diffPlans(before, after)));
    }
  }
  const newest = rows[0]!.version;
  return rows.map((r) => ({
    plan_id,
    ...r,
    current: r.version === newest,
    changes: changeCache.get(key(r)) ?? null,
  }));
}
