import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { AppError } from '../base/errors.ts';
import type { ActiveRun } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { TaskFlow } from './task-flow.ts';

/** The statuses a task may be retried from inside its run: it ended without doing its work. */
const RETRYABLE = new Set<TaskRun['status']>(['failed', 'unassigned']);

/**
 * Whether a task of a run executing here can run again in place, as Airflow clears a task
 * (runs.retryTask), and the tasks downstream of it that wait again: those skipped because of it
 * (they are decided afresh once it ends) or still blocked. Refused, with what to do instead, when
 * the task did not fail, or when a task downstream already acted on the failure (a cleanup that
 * ran because it failed): a retry cannot take that back, a re-run from the task can. A task
 * downstream that a person rejected stays skipped: their decision stands (`rejected`).
 */
export function retryable(run: ActiveRun, task: TaskRun, rejected: ReadonlySet<string>): TaskRun[] {
  if (!RETRYABLE.has(task.status))
    throw new AppError(
      'conflict',
      `task "${task.task_id}" is ${task.status}: only a failed or unassigned task can be retried`,
    );
  const downstream: TaskRun[] = [];
  const seen = new Set<string>([task.task_id]);
  const work = [task.task_id];
  while (work.length > 0) {
    for (const id of run.dependents.get(work.pop()!) ?? []) {
      if (seen.has(id)) continue;
      seen.add(id);
      const dep = run.tasks.get(id)!;
      if (dep.status !== 'blocked' && dep.status !== 'skipped')
        throw new AppError(
          'conflict',
          `task "${id}" after "${task.task_id}" is already ${dep.status}: a retry in this run cannot undo it; re-run from "${task.task_id}" once the run has ended`,
          { task_id: id, status: dep.status },
        );
      if (!rejected.has(id)) downstream.push(dep);
      work.push(id);
    }
  }
  return downstream;
}

/**
 * Runs a failed (or unassigned) task again inside its run: its last attempt is kept in its
 * attempts, it is ready (queued, or stopped by a gate) for one more attempt, and the tasks
 * downstream that were skipped because of it wait again (`blocked`), to be decided when it ends.
 * Every move is audited with `actor`. The checks are `retryable`'s, made by the caller first.
 */
export function retryInRun(
  run: ActiveRun,
  task: TaskRun,
  downstream: readonly TaskRun[],
  actor: string,
  parts: { writer: RunWriter; flow: TaskFlow },
): void {
  const { writer, flow } = parts;
  const was = task.status;
  // The attempt on the row is listed with the others (`runs.taskAttempts`) before a new one takes it.
  if (was === 'failed' && task.attempt > 0)
    writer.keepAttempt(task, 'failed', task.error, task.finished_at ?? task.updated_at);
  run.unassigned.delete(task.task_id);
  run.buildLog.dirty = true;
  writer.setStatus(
    run,
    task,
    'ready',
    { reason: `retried by ${actor} (it was ${was})`, error: null, finished_at: null, retry_at: null },
    actor,
  );
  for (const dep of downstream)
    if (dep.status === 'skipped')
      writer.setStatus(
        run,
        dep,
        'blocked',
        { reason: `waiting again: "${task.task_id}" is retried`, finished_at: null },
        actor,
      );
  flow.enqueueOrGate(run, task);
  // Downstream tasks now wait on it: each is decided again (one that another ended dependency
  // rules out is skipped again, with its own dependents).
  for (const id of [task.task_id, ...downstream.map((d) => d.task_id)]) flow.settleDependents(run, id);
}
