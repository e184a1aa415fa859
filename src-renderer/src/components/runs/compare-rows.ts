import type { TaskRun } from '../../../../src-shared/schemas/run.ts';

/** What differs between the runs' copies of a task; duration and cost always do, so they are left out. */
export interface CompareDiff {
  /** The task is in some of the runs only (a decider added it there, or the plan versions differ). */
  presence: boolean;
  status: boolean;
  agent: boolean;
  output: boolean;
}

export interface CompareRow {
  taskId: string;
  /** The task in each run compared, in their order; undefined where a run lacks it (or has not loaded). */
  cells: (TaskRun | undefined)[];
  diff: CompareDiff;
  /** Any of `diff`. */
  differs: boolean;
}

type Tasks = Readonly<Record<string, TaskRun>>;

/**
 * One row per task of any of the runs: the union, in the plan's order, then the tasks only the
 * runs know (added by a decider, or from another plan version) in the order each run lists them.
 * A run not loaded yet (`undefined`) counts as having none of the tasks, but marks no
 * difference: it is unknown, not missing. A value differs when the runs that have the task do
 * not all agree on it.
 */
export function compareRows(order: readonly string[], runs: readonly (Tasks | undefined)[]): CompareRow[] {
  const ids = new Set<string>();
  const inAny = (id: string) => runs.some((r) => r?.[id] !== undefined);
  for (const id of order) if (inAny(id)) ids.add(id);
  for (const r of runs) for (const id of Object.keys(r ?? {})) ids.add(id);
  const known = runs.every((r) => r !== undefined);
  return [...ids].map((taskId) => {
    const cells = runs.map((r) => r?.[taskId]);
    const present = cells.filter((t): t is TaskRun => t !== undefined);
    const varies = (value: (t: TaskRun) => string) => new Set(present.map(value)).size > 1;
    const diff: CompareDiff = {
      presence: known && present.length < cells.length,
      status: varies((t) => t.status),
      agent: varies((t) => t.agent_id ?? ''),
      output: varies((t) => JSON.stringify(t.output ?? null)),
    };
    return { taskId, cells, diff, differs: diff.presence || diff.status || diff.agent || diff.output };
  });
}
