import { useEffect, useState } from 'react';
import type { TaskRun } from '../../../../src-shared/schemas/run.ts';
import { useBaton } from '../../store/index.ts';

/**
 * Something read about a task (its history, its attempts): read while `enabled`, and again when
 * the task starts a new attempt or changes status; null until the first answer. An answer that
 * comes after the task or `enabled` changed is dropped; a failure says `what` could not be read.
 */
export function useTaskRead<T>(
  task: TaskRun,
  enabled: boolean,
  read: (runId: string, taskId: string) => Promise<T>,
  what: string,
): T | null {
  const fail = useBaton((s) => s.fail);
  // One task per mount: RunPanel keys <TaskDetail> by run and task, so another task's answer is never kept.
  const [value, setValue] = useState<T | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt or status is something new to read
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    read(task.run_id, task.task_id).then(
      (answer) => live && setValue(answer),
      (err) => live && fail(`Could not read the ${what} of ${task.task_id}`, err),
    );
    return () => {
      live = false;
    };
  }, [enabled, task.run_id, task.task_id, task.attempt, task.status, fail]);
  return value;
}
