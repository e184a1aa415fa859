/**
 * What changed between two versions of a plan: tasks added, removed and changed (with the
 * fields that changed), and plan-level fields. Pure; used by the store's version list and
 * the renderer's version history.
 */

/**
 * The plan's own fields that come first, in this order, when several changed; every other field
 * of the plan (owner, tags, land, the pull request's options, its sandbox, run inputs, any
 * added later) is compared too, after them. Tasks are compared task by task.
 */
const PLAN_FIELDS = ['name', 'project_id', 'budget', 'budget_scope', 'goal', 'decider', 'workspace'] as const;

/** Not a field a version changes: the plan's id, and its tasks (compared task by task). */
const NOT_COMPARED = new Set(['plan_id', 'tasks']);

/** Fields whose order carries no meaning: compared as sets. */
const SET_FIELDS = new Set(['depends_on', 'required_skills']);

interface DiffableTask {
  task_id: string;
  [field: string]: unknown;
}
interface DiffablePlan {
  tasks: readonly DiffableTask[];
  [field: string]: unknown;
}

export interface TaskChange {
  task_id: string;
  /** The task's fields that differ, in the task's field order (e.g. `description`, `depends_on`). */
  fields: string[];
}

export interface PlanDiff {
  /** In `to` but not in `from`, in `to`'s order. */
  added: string[];
  /** In `from` but not in `to`, in `from`'s order. */
  removed: string[];
  /** In both but different, in `to`'s order. */
  changed: TaskChange[];
  /** Plan-level fields that differ (name, goal, budget, …). */
  plan_fields: string[];
}

export interface PlanDiffCounts {
  added: number;
  removed: number;
  changed: number;
  plan_fields: number;
}

/** How `to` differs from `from`. */
export function diffPlans(from: DiffablePlan, to: DiffablePlan): PlanDiff {
  const before = new Map(from.tasks.map((t) => [t.task_id, t]));
  const after = new Set(to.tasks.map((t) => t.task_id));
  const added: string[] = [];
  const changed: TaskChange[] = [];
  for (const task of to.tasks) {
    const old = before.get(task.task_id);
    if (!old) {
      added.push(task.task_id);
      continue;
    }
    const fields = changedFields(old, task);
    if (fields.length > 0) changed.push({ task_id: task.task_id, fields });
  }
  const removed = from.tasks.filter((t) => !after.has(t.task_id)).map((t) => t.task_id);
  const keys = [...new Set<string>([...PLAN_FIELDS, ...Object.keys(to), ...Object.keys(from)])].filter(
    (k) => !NOT_COMPARED.has(k),
  );
  const plan_fields = keys.filter((f) => !sameValue(f, from[f], to[f]));
  return { added, removed, changed, plan_fields };
}

export function countDiff(d: PlanDiff): PlanDiffCounts {
  return {
    added: d.added.length,
    removed: d.removed.length,
    changed: d.changed.length,
    plan_fields: d.plan_fields.length,
  };
}

export function isEmptyDiff(d: PlanDiff | PlanDiffCounts): boolean {
  const n = (v: string[] | TaskChange[] | number) => (typeof v === 'number' ? v : v.length);
  return n(d.added) + n(d.removed) + n(d.changed) + n(d.plan_fields) === 0;
}

/** The fields of two tasks that differ: `b`'s key order first, then keys only `a` has. */
function changedFields(a: DiffableTask, b: DiffableTask): string[] {
  // Versions of one plan are written by the same code, so equal tasks are usually equal text.
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => k !== 'task_id');
  return keys.filter((k) => !sameValue(k, a[k], b[k]));
}

function sameValue(field: string, a: unknown, b: unknown): boolean {
  if (SET_FIELDS.has(field) && Array.isArray(a) && Array.isArray(b)) {
    return canonical([...a].map(canonical).sort()) === canonical([...b].map(canonical).sort());
  }
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted, so key order never counts as a change; undefined and absent are equal. */
function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
}
