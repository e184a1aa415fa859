import type { TaskSpec } from '../../../src-shared/schemas/plan.ts';
import type { Run } from '../../../src-shared/schemas/run.ts';
import type { BatonState } from './index.ts';
import { versionKey } from './versions.ts';

type Sources = Pick<BatonState, 'planDetails' | 'versionBodies' | 'addedTasks'>;
type RunRef = Pick<Run, 'id' | 'plan_id' | 'plan_version'>;

/**
 * How the plan the run ran defines a task: the plan at the run's version (the current one, or
 * an earlier version once loaded), or the task a decider added to the run. Undefined while the
 * version the run ran is not loaded.
 */
export function taskSpecOf(s: Sources, run: RunRef, taskId: string): TaskSpec | undefined {
  const added = s.addedTasks[run.id]?.find((t) => t.task_id === taskId);
  if (added) return added;
  const stored = s.planDetails[run.plan_id];
  if (!stored) return undefined;
  if (stored.version === run.plan_version) return stored.plan.tasks.find((t) => t.task_id === taskId);
  const body = s.versionBodies[versionKey(stored, run.plan_version)];
  return body && 'plan' in body ? body.plan.plan.tasks.find((t) => t.task_id === taskId) : undefined;
}
