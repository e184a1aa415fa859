import type { PulledTask } from '../../../../src-shared/contract/domains/work.ts';
import { useBaton } from '../../store/index.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { taskKey } from '../shared/task-key.ts';

/**
 * The tasks waiting for someone with your skills, best first, one row each (a queue, read down
 * the columns): the task, what it asks, its plan and run, since when it waits, its priority.
 */
export function ReadyTasks({ tasks }: { tasks: readonly PulledTask[] }) {
  const take = useBaton((s) => s.takeTask);
  const selectPlan = useBaton((s) => s.selectPlan);
  const openRun = useBaton((s) => s.openRun);
  return (
    <>
      <h3 className="inbox-sub">To take ({tasks.length})</h3>
      <table className="tasks ready-tasks" aria-label="Tasks to take">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">What it asks</th>
            <th scope="col">Plan</th>
            <th scope="col">Run</th>
            <th scope="col">Waiting since</th>
            <th scope="col">Priority</th>
            <th scope="col">
              <span className="visually-hidden">Take</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={taskKey(t)} aria-label={`Task ${t.task_id} to take`}>
              <th scope="row">
                <code>{t.task_id}</code>
              </th>
              <td className="ready-asks">
                {t.description || <span className="muted">no description</span>}
                {t.required_skills.length > 0 && (
                  <div className="muted small">needs {t.required_skills.join(', ')}</div>
                )}
              </td>
              <td>
                <button type="button" className="link" onClick={() => void selectPlan(t.plan_id)}>
                  {t.plan_id}
                </button>
              </td>
              <td className="run-cell">
                <button
                  type="button"
                  className="link"
                  title={`Show ${t.task_id} in its run`}
                  onClick={() => void openRun(t.plan_id, t.run_id, t.task_id)}
                >
                  <code>{t.run_id}</code>
                </button>
              </td>
              <td className="nowrap">
                <RelativeTime at={t.ready_since} />
                {t.deadline && (
                  <div className="muted small">
                    <RelativeTime at={t.deadline} prefix="due" />
                  </div>
                )}
              </td>
              <td>
                <span className="pill">{t.priority}</span>
              </td>
              <td className="row-actions">
                <button type="button" className="primary" onClick={() => take(t)}>
                  Take it
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
