import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TaskStatus } from '../../../../../src-shared/schemas/plain/run.ts';
import { TASK_STATUSES } from '../../../../../src-shared/schemas/plain/run.ts';
import type { Run } from '../../../../../src-shared/schemas/run.ts';
import { useBaton } from '../../../store/index.ts';
import { RouteLink } from '../../shared/RouteLink.tsx';
import { STATUS_LABEL } from '../../shared/status-label.ts';
import { type GridRun, gridRows, gridRuns, runsThatFit } from './grid-columns.ts';

/** A mark for each status, so a cell says its status without its colour. */
const MARK: Record<TaskStatus, string> = {
  pending: '·',
  blocked: '‖',
  ready: '○',
  awaiting_approval: '?',
  in_progress: '▸',
  done: '✓',
  failed: '✕',
  cancelled: '⊘',
  skipped: '↷',
  unassigned: '!',
};
const WHEN = { dateStyle: 'short', timeStyle: 'short' } as const;

/**
 * A plan's tasks (rows, in the plan's order) across its last runs (columns, the newest at the
 * right), as Airflow's grid view: each cell is the task's status in that run and a link to the
 * task in it. As many runs as fit, up to twenty; the task runs are read from the store, which
 * the host's events keep current, so a run in progress fills in as it goes.
 */
export function RunsGrid({
  planId,
  runs,
  planTasks,
}: {
  planId: string;
  runs: readonly Run[];
  planTasks: readonly string[];
}) {
  const ref = useRef<HTMLElement>(null);
  const width = useWidth(ref);
  const columns = useMemo(() => gridRuns(runs, runsThatFit(width)), [runs, width]);
  const loadRunTasks = useBaton((s) => s.loadRunTasks);
  const fail = useBaton((s) => s.fail);
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const { run } of columns) {
      if (requested.current.has(run.id)) continue;
      requested.current.add(run.id);
      loadRunTasks(run.id).catch((err) => {
        requested.current.delete(run.id);
        fail(`Could not load run ${run.id}`, err);
      });
    }
  }, [columns, loadRunTasks, fail]);
  const tasks = useBaton(useShallow((s) => columns.map((c) => s.runTasks[c.run.id])));
  const rows = useMemo(() => gridRows(planTasks, tasks), [planTasks, tasks]);
  return (
    <section className="runs-grid" aria-label="Runs grid" ref={ref}>
      {runs.length === 0 ? (
        <p className="muted centered">Run the plan to see its runs here, task by task.</p>
      ) : (
        <>
          <p className="muted small">
            The last {columns.length === 1 ? 'run' : `${columns.length} runs`} of {planId}, the newest at the
            right. Each cell is a task in a run: open it to see the task there.
          </p>
          <div className="runs-grid-scroll">
            <table aria-label={`Tasks of ${planId} by run`}>
              <thead>
                <tr>
                  <th scope="col" className="grid-task">
                    Task
                  </th>
                  {columns.map((c) => (
                    <RunHead key={c.run.id} column={c} />
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((taskId) => (
                  <tr key={taskId}>
                    <th scope="row" className="grid-task" title={taskId}>
                      {taskId}
                    </th>
                    {columns.map((c, i) => {
                      const t = tasks[i]?.[taskId];
                      const label = `${taskId} in run ${c.number}`;
                      return (
                        <td key={c.run.id}>
                          {t ? (
                            <RouteLink
                              to={{ screen: 'run', runId: c.run.id, taskId }}
                              className={`grid-cell status-${t.status}`}
                              aria-label={`${label}: ${STATUS_LABEL[t.status].toLowerCase()}`}
                              title={`${label}: ${STATUS_LABEL[t.status].toLowerCase()}`}
                            >
                              <span aria-hidden>{MARK[t.status]}</span>
                            </RouteLink>
                          ) : (
                            <span
                              className="grid-cell absent"
                              role="img"
                              aria-label={tasks[i] ? `${label}: not in this run` : `${label}: loading`}
                              title={tasks[i] ? `${label}: not in this run` : undefined}
                            />
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul className="grid-key small" aria-label="Grid key">
            {TASK_STATUSES.map((s) => (
              <li key={s}>
                <span className={`grid-cell status-${s}`} aria-hidden>
                  {MARK[s]}
                </span>
                {STATUS_LABEL[s]}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** A run's column head: its number, a link to the run, coloured by how the run stands. */
function RunHead({ column }: { column: GridRun }) {
  const { run, number } = column;
  const when = new Date(run.created_at).toLocaleString(undefined, WHEN);
  return (
    <th scope="col" className="grid-run">
      <RouteLink
        to={{ screen: 'run', runId: run.id, taskId: null }}
        className={`run-${run.status}`}
        aria-label={`Run ${number}, started ${when}: ${run.status}`}
        title={`Run ${number} (${run.id}), started ${when}: ${run.status}`}
      >
        {number}
      </RouteLink>
    </th>
  );
}

/** The element's width, followed as it is resized; wide enough for every run until measured. */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(Number.POSITIVE_INFINITY);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
