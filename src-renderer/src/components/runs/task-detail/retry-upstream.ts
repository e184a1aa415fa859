import type { TaskRun } from '../../../../../src-shared/schemas/run.ts';

/** The statuses `runs.retryTask` takes: the task ended without doing its work. */
export const RETRYABLE_IN_RUN: ReadonlySet<TaskRun['status']> = new Set(['failed', 'unassigned']);

/**
 * The tasks upstream of a skipped task that a retry inside the run would start again from: the
 * nearest failed (or unassigned) tasks on each path up its dependencies, nearest first. A skipped
 * task cannot be retried itself (`runs.retryTask` refuses it); retrying these makes it wait again.
 * `dependsOn` answers undefined for a task whose definition is not loaded (nothing to walk).
 */
export function failedUpstream(
  taskId: string,
  dependsOn: (id: string) => readonly string[] | undefined,
  statusOf: (id: string) => TaskRun['status'] | undefined,
): string[] {
  const found: string[] = [];
  const seen = new Set<string>([taskId]);
  let layer = [taskId];
  while (layer.length > 0) {
    const next: string[] = [];
    for (const id of layer)
      for (const dep of dependsOn(id) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        const status = statusOf(dep);
        if (status && RETRYABLE_IN_RUN.has(status)) found.push(dep);
        else if (status === 'skipped') next.push(dep);
      }
    layer = next;
  }
  return found;
}
