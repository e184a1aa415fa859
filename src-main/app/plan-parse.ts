import { z } from 'zod';
import {
  graphIssues,
  MAX_TASKS_PER_PLAN,
  parsePlan,
  planShape,
  taskSpecSchema,
} from '../../src-shared/schemas/plan.ts';
import { nextTurn } from '../base/turns.ts';
import { quickTask } from './plan-quick.ts';

/**
 * Past this many tasks a plan is read in slices of `SLICE_MS` of wall time, giving the thread back
 * between them: zod reads a task in 5–20 µs (quiet – loaded machine), so a 1,000-task plan held
 * the host's thread 20–170 ms in one piece under two clients' load, and every cheap request waited.
 */
export const SLICED_PLAN_TASKS = 200;
/** The engine's tick budget (`TICK_TIME_MS`): a slice holds the thread no longer than a tick. */
const SLICE_MS = 10;
/** Tasks read between two looks at the clock. */
const TASKS_PER_LOOK = 32;

/** The plan's own fields with its tasks taken as they are: the tasks are read one by one beside it. */
const planHead = planShape.extend({ tasks: z.array(z.unknown()) });

/**
 * `parsePlan`, giving the thread back between slices of a large plan's tasks (`sliceMs` each). The answer is the
 * same as `parsePlan`'s, field for field: a plan that passes is read by the same schemas (the plan's
 * fields, then each task by the task schema, in order), and on the first problem of any kind the
 * whole plan is read again by `parsePlan`, so that its issues and their paths are exactly its own.
 * A plan at or under `SLICED_PLAN_TASKS` tasks is read at once, as before. A larger plan's tasks of
 * the plainest kind are read without zod, to the same value (`quickTask`).
 */
export async function parsePlanSliced(
  raw: unknown,
  sliceMs = SLICE_MS,
): Promise<ReturnType<typeof parsePlan>> {
  const tasks = raw !== null && typeof raw === 'object' && 'tasks' in raw ? raw.tasks : undefined;
  if (!Array.isArray(tasks) || tasks.length <= SLICED_PLAN_TASKS || tasks.length > MAX_TASKS_PER_PLAN)
    return parsePlan(raw);
  const head = planHead.safeParse(raw);
  if (!head.success) return parsePlan(raw);
  const parsed: z.output<typeof taskSpecSchema>[] = [];
  // The first slice starts on a turn of its own: the turn that read the request has had its time.
  let sliceStart = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < tasks.length; i++) {
    if (i % TASKS_PER_LOOK === 0 && performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
    // A task of the plainest kind is read without zod, to the same value (plan-quick.ts).
    const quick = quickTask(tasks[i]);
    if (quick !== null) {
      parsed.push(quick);
      continue;
    }
    const task = taskSpecSchema.safeParse(tasks[i]);
    if (!task.success) return parsePlan(raw);
    parsed.push(task.data);
  }
  const plan = { ...head.data, tasks: parsed };
  const issues = graphIssues(parsed);
  return issues.length === 0 ? { ok: true, plan } : { ok: false, issues };
}
