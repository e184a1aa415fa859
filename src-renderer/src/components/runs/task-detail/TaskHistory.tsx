import type { TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { api } from '../../../api/client.ts';
import { useTaskRead } from '../use-task-read.ts';

/**
 * Every change of the task in this run, who made it and why (approvals with their comments):
 * read from the audit log when its tab is opened, and again when the task's status changes.
 */
export function TaskHistory({ task, open }: { task: TaskRun; open: boolean }) {
  const entries = useTaskRead(task, open, api.taskHistory, 'history');
  return (
    <>
      {entries === null ? (
        <p className="muted small">Loading…</p>
      ) : (
        <ol className="small history" aria-label={`History of ${task.task_id}`}>
          {entries.map((e) => (
            <li key={e.id}>
              <span className="muted">{new Date(e.at).toLocaleTimeString()}</span>{' '}
              {e.entity === 'approval'
                ? e.to_status === 'pending'
                  ? 'approval asked'
                  : `approval ${e.to_status ?? ''}`
                : `${e.from_status ?? '—'} → ${e.to_status ?? '—'}`}{' '}
              by <strong>{e.actor}</strong>: {e.why}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
