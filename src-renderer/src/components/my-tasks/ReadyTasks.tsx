import { useMemo, useState } from 'react';
import type { PulledTask } from '../../../../src-shared/contract/domains/work.ts';
import { useBaton } from '../../store/index.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { taskKey } from '../shared/task-key.ts';
import type { ReadyOrder } from './ready-order.ts';
import { orderReady } from './ready-order.ts';

/**
 * The tasks waiting for someone with your skills, one row each (a queue, read down the columns):
 * the task, what it asks, its plan and run, since when it waits, when it is due, its priority.
 * The longest waiting come first; the Due column's header puts the soonest due first instead.
 */
export function ReadyTasks({ tasks }: { tasks: readonly PulledTask[] }) {
  const take = useBaton((s) => s.takeTask);
  const [order, setOrder] = useState<ReadyOrder>('waiting');
  const rows = useMemo(() => orderReady(tasks, order), [tasks, order]);
  return (
    <>
      <h3 className="inbox-sub">
        To take ({tasks.length}){' '}
        <span className="order-note">
          · {order === 'waiting' ? 'longest waiting first' : 'soonest due first'}
        </span>
      </h3>
      <table className="tasks ready-tasks" aria-label="Tasks to take">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">What it asks</th>
            <th scope="col">Plan</th>
            <th scope="col">Run</th>
            <SortHeader label="Waiting since" by="waiting" order={order} onSort={setOrder} />
            <SortHeader label="Due" by="due" order={order} onSort={setOrder} />
            <th scope="col">Priority</th>
            <th scope="col">
              <span className="visually-hidden">Take</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
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
                <RouteLink to={{ screen: 'plan', planId: t.plan_id, tab: 'graph' }} className="link">
                  {t.plan_id}
                </RouteLink>
              </td>
              <td className="run-cell">
                <RouteLink
                  to={{ screen: 'run', runId: t.run_id, taskId: t.task_id }}
                  className="link"
                  title={`Show ${t.task_id} in its run`}
                >
                  <code>{t.run_id}</code>
                </RouteLink>
              </td>
              <td className="nowrap">
                <RelativeTime at={t.ready_since} />
              </td>
              <td className="nowrap">
                {t.deadline ? <RelativeTime at={t.deadline} /> : <span className="muted">none</span>}
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

/** A column the table can be ordered by: its header is a button, and says which order is on. */
function SortHeader({
  label,
  by,
  order,
  onSort,
}: {
  label: string;
  by: ReadyOrder;
  order: ReadyOrder;
  onSort(order: ReadyOrder): void;
}) {
  const on = order === by;
  return (
    <th scope="col" aria-sort={on ? 'ascending' : 'none'}>
      <button
        type="button"
        className="link sort-header"
        aria-pressed={on}
        title={by === 'waiting' ? 'Longest waiting first' : 'Soonest due first; no deadline last'}
        onClick={() => onSort(by)}
      >
        {label}
        <span aria-hidden="true">{on ? ' ▲' : ''}</span>
      </button>
    </th>
  );
}
