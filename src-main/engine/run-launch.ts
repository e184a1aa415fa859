import type { MemoryEntry } from '../../src-shared/schemas/memory.ts';
import type { TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import { REUSED_REASON_PREFIX } from '../../src-shared/schemas/plain/run.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { BuildLogContent, Run, TaskRun } from '../../src-shared/schemas/run.ts';
import { addDependents } from './run-state.ts';

/** Where a re-run comes from: the run and the task it runs again from. */
export interface RerunOrigin {
  runId: string;
  taskId: string;
}

/** What a new run writes before its first tick: the run row, its task rows and its build log. */
export interface NewRun {
  info: Omit<Run, 'counts'>;
  tasks: TaskRun[];
  log: MemoryEntry & { plan_id: string | null };
}

/**
 * The rows of a new run of `plan`: a task is `ready` without dependencies left to wait for,
 * else `blocked`; a task in `reuse` is copied from the old run as it ended (`done`).
 */
export function newRun(
  plan: Plan,
  version: number,
  ids: { runId: string; memoryId: string; startedBy: string },
  reuse: Map<string, TaskRun>,
  from: RerunOrigin | null,
  now: string,
): NewRun {
  const { runId, memoryId, startedBy } = ids;
  const row = (task_id: string, status: TaskStatus, reason: string | null): TaskRun => ({
    run_id: runId,
    task_id,
    status,
    agent_id: null,
    delegation_task_id: null,
    attempt: 0,
    reason,
    match: null,
    output: null,
    error: null,
    started_at: null,
    finished_at: null,
    updated_at: now,
    progress: null,
    progress_message: null,
    retry_at: null,
    cost: 0,
    cost_unknown: 0,
  });
  const reused = from ? `${REUSED_REASON_PREFIX}${from.runId}` : null;
  const tasks = plan.tasks.map((t): TaskRun => {
    const old = reuse.get(t.task_id);
    if (old)
      return {
        ...old,
        run_id: runId,
        reason: reused,
        cost: 0,
        cost_unknown: 0,
        retry_at: null,
        updated_at: now,
      };
    const waiting = reuse.size === 0 ? t.depends_on : t.depends_on.filter((d) => !reuse.has(d));
    if (waiting.length > 0) return row(t.task_id, 'blocked', `waiting for ${waiting.join(', ')}`);
    // Its dependencies all reused, a task with a condition is decided when the run is activated
    // (ready, or skipped if the reused results do not meet it), like any other dependent.
    if (t.condition && t.depends_on.length > 0) return row(t.task_id, 'blocked', 'checking its condition');
    return row(t.task_id, 'ready', null);
  });
  const info: Omit<Run, 'counts'> = {
    id: runId,
    plan_id: plan.plan_id,
    plan_version: version,
    project_id: plan.project_id ?? null,
    status: 'executing',
    memory_id: memoryId,
    created_at: now,
    finished_at: null,
    started_by: startedBy,
  };
  const content: BuildLogContent = {
    plan_id: plan.plan_id,
    delegated_tasks: [],
    unassigned_tasks: [],
    timestamp: now,
  };
  const log: MemoryEntry & { plan_id: string | null } = {
    id: memoryId,
    agent_id: 'orchestrator',
    type: 'build_log',
    content,
    tags: ['build_log', `plan:${plan.plan_id}`],
    project_id: plan.project_id ?? null,
    status: 'executing',
    task_type: 'build',
    task_id: plan.plan_id,
    plan_id: plan.plan_id,
    created_at: now,
    updated_at: now,
  };
  return { info, tasks, log };
}

/**
 * For a re-run from `taskId`: the tasks of the old run that are reused — done, in the plan,
 * neither that task nor downstream of it, nor downstream of any task that runs again (one
 * that did not end done): a task whose condition accepted a dependency's rejection, say, must
 * run again when that dependency does, or it would stand on a result the new run may not have.
 */
export function reusableTasks(
  plan: Plan,
  specs: ReadonlyMap<string, TaskSpec>,
  oldTasks: readonly TaskRun[],
  taskId: string,
): Map<string, TaskRun> {
  const dependents = new Map<string, string[]>();
  for (const t of plan.tasks) addDependents(dependents, t);
  const done = new Set(oldTasks.filter((t) => t.status === 'done').map((t) => t.task_id));
  const again = new Set([taskId, ...plan.tasks.filter((t) => !done.has(t.task_id)).map((t) => t.task_id)]);
  for (const id of again) for (const d of dependents.get(id) ?? []) again.add(d);
  const reuse = new Map<string, TaskRun>();
  for (const t of oldTasks) {
    if (t.status === 'done' && !again.has(t.task_id) && specs.has(t.task_id)) reuse.set(t.task_id, t);
  }
  return reuse;
}
