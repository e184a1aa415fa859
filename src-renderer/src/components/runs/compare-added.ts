import type { TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import type { CompareRow } from './compare-rows.ts';

/**
 * How a task a decider added stands in the comparison. The rows match tasks by id, and a
 * decider names what it adds by counting (escalation-1, decided-2): the same id in two runs
 * may be two unrelated tasks, e.g. escalations about different failures.
 */
export interface AddedMark {
  /** A decider added the task to the first run (it is not the plan's). */
  left: boolean;
  right: boolean;
  /**
   * Both runs have a task of this id, but not the same task: a decider added it to one run
   * and the plan has it in the other, or the two added tasks are defined differently.
   */
  different: boolean;
  /** What sets two added tasks apart, in words; empty when they agree or only one was added. */
  changes: string[];
  /** Each run's added task, for saying what it is. */
  specs: { left: TaskSpec | undefined; right: TaskSpec | undefined };
}

/**
 * A mark for each row of a task a decider added to either run, by task id. A run whose tasks
 * are not loaded marks nothing: the row has no task for it. When only one run's task is an
 * added one, the other is the plan's only if the plan has that id (`planIds`); otherwise that
 * run's added tasks have not caught up yet (a decider just added it), and nothing differs.
 */
export function addedMarks(
  rows: readonly CompareRow[],
  added: { left?: readonly TaskSpec[] | undefined; right?: readonly TaskSpec[] | undefined },
  planIds: ReadonlySet<string>,
): Map<string, AddedMark> {
  const marks = new Map<string, AddedMark>();
  if (!added.left?.length && !added.right?.length) return marks;
  const leftSpecs = new Map((added.left ?? []).map((t) => [t.task_id, t]));
  const rightSpecs = new Map((added.right ?? []).map((t) => [t.task_id, t]));
  for (const row of rows) {
    const l = row.left ? leftSpecs.get(row.taskId) : undefined;
    const r = row.right ? rightSpecs.get(row.taskId) : undefined;
    if (!l && !r) continue;
    const changes = l && r ? specChanges(l, r) : [];
    const both = row.left !== undefined && row.right !== undefined;
    marks.set(row.taskId, {
      left: l !== undefined,
      right: r !== undefined,
      different: both && (l && r ? changes.length > 0 : planIds.has(row.taskId)),
      changes,
      specs: { left: l, right: r },
    });
  }
  return marks;
}

/**
 * What the task is: what it asks, which skills or agent do it, and what it follows (for an
 * escalation, the task that failed). Priority and inputs say how, not what, and are left out.
 */
function specChanges(a: TaskSpec, b: TaskSpec): string[] {
  const sameSet = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && [...x].sort().join('\n') === [...y].sort().join('\n');
  const changes: string[] = [];
  if (a.description.trim() !== b.description.trim()) changes.push('description');
  if (!sameSet(a.required_skills, b.required_skills)) changes.push('skills');
  if (a.agent !== b.agent) changes.push('agent');
  if (!sameSet(a.depends_on, b.depends_on)) changes.push('dependencies');
  return changes;
}
