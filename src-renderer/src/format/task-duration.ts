import { REUSED_REASON_PREFIX } from '../../../src-shared/schemas/plain/run.ts';
import type { TaskRun } from '../../../src-shared/schemas/run.ts';
import { formatDuration } from './duration.ts';

/**
 * How long a task has run, as the run table and the task panel say it: from its start to its end,
 * or to `now` while it runs (live, as Airflow's grid and Temporal's history do); "reused" for a
 * task a re-run copied from an earlier run (it did not run in this one); "—" before it started.
 */
export function taskDuration(
  t: Pick<TaskRun, 'started_at' | 'finished_at' | 'reason'> | undefined,
  now: number,
): string {
  if (!t) return '—';
  if (t.reason?.startsWith(REUSED_REASON_PREFIX)) return 'reused';
  if (!t.started_at) return '—';
  const start = Date.parse(t.started_at);
  const end = t.finished_at ? Date.parse(t.finished_at) : now;
  return formatDuration(Math.max(0, end - start));
}

/** Whether the duration is still growing (the task runs). */
export const durationIsLive = (t: Pick<TaskRun, 'started_at' | 'finished_at'> | undefined): boolean =>
  !!t?.started_at && !t.finished_at;
