import { useMemo, useState } from 'react';
import type { PulledTask } from '../../../../src-shared/contract/domains/work.ts';
import { useBaton } from '../../store/index.ts';
import { type Column, DataTable } from '../shared/DataTable.tsx';
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
  const sortBy = (by: ReadyOrder, title: string) => ({ on: order === by, title, onSort: () => setOrder(by) });
  const columns: Column<PulledTask>[] = [
    { id: 'task', header: 'Task', rowHeader: true, cell: (t) => <code>{t.task_id}</code> },
    { id: 'asks', header: 'What it asks', cellClass: 'ready-asks', cell: (t) => <TaskAsks task={t} /> },
    {
      id: 'plan',
      header: 'Plan',
      cell: (t) => (
        <RouteLink to={{ screen: 'plan', planId: t.plan_id, tab: 'graph' }} className="link">
          {t.plan_id}
        </RouteLink>
      ),
    },
    {
      id: 'run',
      header: 'Run',
      cellClass: 'run-cell',
      cell: (t) => (
        <RouteLink
          to={{ screen: 'run', runId: t.run_id, taskId: t.task_id }}
          className="link"
          title={`Show ${t.task_id} in its run`}
        >
          <code>{t.run_id}</code>
        </RouteLink>
      ),
    },
    {
      id: 'waiting',
      header: 'Waiting since',
      sort: sortBy('waiting', 'Longest waiting first'),
      cellClass: 'nowrap',
      cell: (t) => <RelativeTime at={t.ready_since} />,
    },
    {
      id: 'due',
      header: 'Due',
      sort: sortBy('due', 'Soonest due first; no deadline last'),
      cellClass: 'nowrap',
      cell: (t) => (t.deadline ? <RelativeTime at={t.deadline} /> : <span className="muted">none</span>),
    },
    { id: 'priority', header: 'Priority', cell: (t) => <span className="pill">{t.priority}</span> },
    {
      id: 'take',
      header: 'Take',
      hiddenHeader: true,
      cellClass: 'row-actions',
      cell: (t) => (
        <button type="button" className="primary" onClick={() => take(t)}>
          Take it
        </button>
      ),
    },
  ];
  return (
    <>
      <h3 className="inbox-sub">
        To take ({tasks.length}){' '}
        <span className="order-note">
          · {order === 'waiting' ? 'longest waiting first' : 'soonest due first'}
        </span>
      </h3>
      <DataTable
        label="Tasks to take"
        className="ready-tasks"
        columns={columns}
        rows={rows}
        rowKey={taskKey}
        rowLabel={(t) => `Task ${t.task_id} to take`}
      />
    </>
  );
}

/** What a task asks, and the skills it needs under it. */
export function TaskAsks({ task }: { task: { description: string; required_skills: readonly string[] } }) {
  return (
    <>
      {task.description || <span className="muted">no description</span>}
      {task.required_skills.length > 0 && (
        <div className="muted small">needs {task.required_skills.join(', ')}</div>
      )}
    </>
  );
}
