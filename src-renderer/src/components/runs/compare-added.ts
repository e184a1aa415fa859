import type { TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import type { CompareRow } from './compare-rows.ts';

/**
 * How a task a decider added stands in the comparison. The rows match tasks by id, and a
 * decider names what it adds by counting (escalation-1, decided-2): the same id in two runs
 * may be two unrelated tasks, e.g. escalations about different failures.
 */
export interface AddedMark {
  /** For each run compared: a decider added the task there (it is not the plan's). */
  added: boolean[];
  /**
   * Several runs have a task of this id, but not the same task: a decider added it to one run
   * and the plan has it in another, or the added tasks are defined differently.
   */
  different: boolean;
  /** What sets the added tasks apart, in words; empty when they agree or only one was added. */
  changes: string[];
  /** Each run's added task, for saying what it is. */
  specs: (TaskSpec | undefined)[];
}

/**
 * A mark for each row of a task a decider added to any of the runs, by task id. A run whose
 * tasks are not loaded marks nothing: the row has no task for it. When only some runs' tasks
 * are added ones, the others are the plan's only if the plan has that id (`planIds`); otherwise
 * those runs' added tasks have not caught up yet (a decider just added it), and nothing differs.
 */
export function addedMarks(
  rows: readonly CompareRow[],
  added: readonly (readonly TaskSpec[] | undefined)[],
  planIds: ReadonlySet<string>,
): Map<string, AddedMark> {
  const marks = new Map<string, AddedMark>();
  if (!added.some((a) => a?.length)) return marks;
  const specsByRun = added.map((a) => new Map((a ?? []).map((t) => [t.task_id, t])));
  for (const row of rows) {
    const specs = row.cells.map((t, i) => (t ? specsByRun[i]?.get(row.taskId) : undefined));
    const addedSpecs = specs.filter((s): s is TaskSpec => s !== undefined);
    if (addedSpecs.length === 0) continue;
    const [first, ...others] = addedSpecs;
    const changes = [...new Set(others.flatMap((o) => specChanges(first!, o)))];
    const present = row.cells.filter((t) => t !== undefined).length;
    const plans = present - addedSpecs.length;
    marks.set(row.taskId, {
      added: specs.map((s) => s !== undefined),
      different: present >= 2 && (changes.length > 0 || (plans > 0 && planIds.has(row.taskId))),
      changes,
      specs,
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
