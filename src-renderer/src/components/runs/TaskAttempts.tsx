import type { AttemptOutcome, TaskRun } from '../../../../src-shared/schemas/run.ts';
import { api } from '../../api/client.ts';
import { attemptTookText } from './task-attempts.ts';
import { useTaskRead } from './use-task-read.ts';

const OUTCOME_LABEL: Record<AttemptOutcome, string> = {
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted by a restart',
  given_back: 'given back',
  limited: 'waiting for quota (usage limit)',
};

/**
 * Every attempt of a task that ran more than once: its agent, when it started, how long it took
 * and how it ended.
 */
export function TaskAttempts({ task }: { task: TaskRun }) {
  // Read once a task has run at all: a failed first attempt is kept even when no retry is due
  // any more (cancelled while it waited, say).
  const attempts = useTaskRead(task, task.attempt >= 1, api.taskAttempts, 'attempts');
  if (!attempts || attempts.length < 2) return null;
  return (
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
            <td>{attemptTookText(a)}</td>
            <td className={a.outcome === 'failed' ? 'field-error' : undefined}>
              {OUTCOME_LABEL[a.outcome]}
              {a.error ? `: ${a.error}` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
