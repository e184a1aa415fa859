import { useEffect, useState } from 'react';
import type { TaskRun } from '../../../src-shared/schemas/run.ts';
import { useBaton } from '../store/index.ts';

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
  // Kept with the task it was read for: another task's answer is never shown as this one's.
  const key = `${task.run_id}/${task.task_id}`;
  const [read_, setRead] = useState<{ key: string; value: T } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt or status is something new to read
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    read(task.run_id, task.task_id).then(
      (value) => live && setRead({ key, value }),
      (err) => live && fail(`Could not read the ${what} of ${task.task_id}`, err),
    );
    return () => {
      live = false;
    };
  }, [enabled, key, task.attempt, task.status, fail]);
  return read_?.key === key ? read_.value : null;
}
