import type { TaskRun } from '../../../../src-shared/schemas/run.ts';

/** What differs between the two runs' copies of a task; duration and cost always do, so they are left out. */
export interface CompareDiff {
  /** The task is in one run only (a decider added it there, or the plan versions differ). */
  presence: boolean;
  status: boolean;
  agent: boolean;
  output: boolean;
}

export interface CompareRow {
  taskId: string;
  /** The task in the first run; undefined when that run does not have it (or has not loaded). */
  left: TaskRun | undefined;
  right: TaskRun | undefined;
  diff: CompareDiff;
  /** Any of `diff`. */
  differs: boolean;
}

type Tasks = Readonly<Record<string, TaskRun>>;

/**
 * One row per task of either run: the union, in the plan's order, then the tasks only the runs
 * know (added by a decider, or from another plan version) in the order each run lists them.
 * A run not loaded yet (`undefined`) counts as having none of the tasks, but marks no
 * difference: it is unknown, not missing.
 */
export function compareRows(
  order: readonly string[],
  left: Tasks | undefined,
  right: Tasks | undefined,
): CompareRow[] {
  const ids = new Set<string>();
  const inEither = (id: string) => (left?.[id] ?? right?.[id]) !== undefined;
  for (const id of order) if (inEither(id)) ids.add(id);
  for (const id of Object.keys(left ?? {})) ids.add(id);
  for (const id of Object.keys(right ?? {})) ids.add(id);
  const known = left !== undefined && right !== undefined;
  return [...ids].map((taskId) => {
    const l = left?.[taskId];
    const r = right?.[taskId];
    const both = l !== undefined && r !== undefined;
    const diff: CompareDiff = {
      presence: known && !both,
      status: both && l.status !== r.status,
      agent: both && l.agent_id !== r.agent_id,
      output: both && !sameJson(l.output, r.output),
    };
    return {
      taskId,
      left: l,
      right: r,
      diff,
      differs: diff.presence || diff.status || diff.agent || diff.output,
    };
  });
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
