import { useEffect, useState } from 'react';
import type { AttemptOutcome, TaskAttempt, TaskRun } from '../../../src-shared/schemas/run.ts';
import { api } from '../api/client.ts';
import { durationBetween } from '../format/duration.ts';
import { useBaton } from '../store/index.ts';

const OUTCOME_LABEL: Record<AttemptOutcome, string> = {
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted by a restart',
};

/**
 * Every attempt of a task that ran more than once: its agent, when it started, how long it took
 * and how it ended. Read again when the task starts a new attempt or changes status.
 */
export function TaskAttempts({ task }: { task: TaskRun }) {
  const fail = useBaton((s) => s.fail);
  const [attempts, setAttempts] = useState<TaskAttempt[] | null>(null);
  const retried = task.attempt > 1 || (task.attempt === 1 && task.retry_at !== null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt or status is a row to read
  useEffect(() => {
    if (!retried) return;
    let live = true;
    api.taskAttempts(task.run_id, task.task_id).then(
      (a) => live && setAttempts(a),
      (err) => fail(`Could not read the attempts of ${task.task_id}`, err),
    );
    return () => {
      live = false;
    };
  }, [retried, task.run_id, task.task_id, task.attempt, task.status, fail]);
  if (!retried) return null;
  return (
    <details open>
      <summary>Attempts</summary>
      {attempts === null ? (
        <p className="muted small">Loading…</p>
      ) : (
        <table className="tasks attempts small" aria-label={`Attempts of ${task.task_id}`}>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Agent</th>
              <th scope="col">Started</th>
              <th scope="col">Took</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((a) => (
              <tr key={a.attempt}>
                <td>{a.attempt}</td>
                <td>{a.agent_id ?? '—'}</td>
                <td>{a.started_at ? new Date(a.started_at).toLocaleTimeString() : '—'}</td>
                <td>{a.started_at && a.finished_at ? durationBetween(a.started_at, a.finished_at) : '—'}</td>
                <td className={a.outcome === 'failed' ? 'field-error' : undefined}>
                  {OUTCOME_LABEL[a.outcome]}
                  {a.error ? `: ${a.error}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
