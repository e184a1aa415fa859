import type { TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import type { TaskAttempt, TaskRun } from '../../../../src-shared/schemas/run.ts';
import { durationBetween, formatDuration } from '../../format/duration.ts';

/** "3 of 4" when the task may be retried, else just the attempt's number; "none yet" before the first. */
export function attemptText(
  task: Pick<TaskRun, 'attempt'>,
  spec: Pick<TaskSpec, 'retry'> | undefined,
): string {
  if (task.attempt === 0) return 'none yet';
  return spec?.retry ? `${task.attempt} of ${spec.retry.max_attempts}` : String(task.attempt);
}

/**
 * How long an attempt took. One interrupted (its Baton stopped) is kept ending at the last sign of
 * life Baton stored for it: it ran at least that long ("at least 12.0 s"), for how much longer
 * nobody knows; "unknown" when nothing came after its start.
 */
export function attemptTookText(a: Pick<TaskAttempt, 'started_at' | 'finished_at' | 'outcome'>): string {
  if (!a.started_at || !a.finished_at) return '—';
  if (a.outcome !== 'interrupted') return durationBetween(a.started_at, a.finished_at);
  if (Date.parse(a.finished_at) > Date.parse(a.started_at))
    return `at least ${durationBetween(a.started_at, a.finished_at)}`;
  return 'unknown';
}

/**
 * When a failed attempt waits to be retried, which attempt comes next and when it starts
 * ("4 of 4 at 11:05:12, in 8.0 s"); null when the task is not waiting for a retry.
 */
export function nextAttemptText(
  task: Pick<TaskRun, 'attempt' | 'status' | 'retry_at'>,
  spec: Pick<TaskSpec, 'retry'> | undefined,
  now: number,
  time: (ms: number) => string = (ms) => new Date(ms).toLocaleTimeString(),
): string | null {
  if (task.retry_at === null || task.status !== 'ready') return null;
  const next = task.attempt + 1;
  const which = spec?.retry ? `${next} of ${spec.retry.max_attempts}` : String(next);
  const wait = task.retry_at - now;
  return `${which} at ${time(task.retry_at)}, ${wait > 0 ? `in ${formatDuration(wait)}` : 'starting now'}`;
}
