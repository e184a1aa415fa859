import { useEffect } from 'react';
import type { Plan, StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import { useBaton } from '../../store/index.ts';
import { versionKey } from '../../store/versions.ts';

/** The plan as a view of it shows it: at which version, its tasks, and how many. */
export interface ShownPlan {
  plan: Plan;
  version: number;
  taskCount: number;
  /** It is an earlier version than the plan's current one (the open run ran it). */
  earlier: boolean;
}

/**
 * The plan as the open run ran it: the current version, or the earlier one the run used (loaded
 * on demand; null while it loads). Without a run, the current version. A version that cannot
 * be read falls back to the current one.
 */
export function useRunPlan(stored: StoredPlan, run: Run | undefined): ShownPlan | null {
  const version = run?.plan_version ?? stored.version;
  const earlier = version !== stored.version;
  const body = useBaton((s) => (earlier ? s.versionBodies[versionKey(stored, version)] : undefined));
  const loadVersion = useBaton((s) => s.loadVersion);
  useEffect(() => {
    if (earlier) void loadVersion(stored, version);
  }, [earlier, stored, version, loadVersion]);
  if (!earlier || (body && 'error' in body)) {
    return { plan: stored.plan, version: stored.version, taskCount: stored.task_count, earlier: false };
  }
  if (!body) return null;
  return { plan: body.plan.plan, version, taskCount: body.plan.task_count, earlier: true };
}
