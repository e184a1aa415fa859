import { useVirtualizer } from '@tanstack/react-virtual';
import type { CSSProperties } from 'react';
import { useMemo, useRef, useState } from 'react';
import type { TaskCounts, TaskStatus } from '../../../../src-shared/schemas/plain/run.ts';
import { TASK_STATUSES } from '../../../../src-shared/schemas/plain/run.ts';
import type { Run, TaskRun } from '../../../../src-shared/schemas/run.ts';
import { durationBetween } from '../../format/duration.ts';
import { withCountdown } from '../../format/limits.ts';
import { durationIsLive, taskDuration } from '../../format/task-duration.ts';
import { useBaton, useRunTasks, useSelectedTaskId } from '../../store/index.ts';
import { RunLandings } from '../landing/RunLandings.tsx';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { STATUS_LABEL, statusPill } from '../shared/status-label.ts';
import { taskKey } from '../shared/task-key.ts';
import { useHumanIds } from '../shared/use-human-ids.ts';
import { useNowWhile } from '../shared/use-now.ts';
import { RunBranches } from './RunBranches.tsx';
import { TaskDetail } from './task-detail/TaskDetail.tsx';
import { estimateChars, useTaskColumnWidth } from './use-task-column.ts';
import { WhyCell } from './WhyCell.tsx';

/** The result of one run: its status, every task's outcome, and the build log entry. */
export function RunPanel({ run, order }: { run: Run; order: string[] }) {
  const tasks = useRunTasks(run.id);
  const log = useBaton((s) => s.memoryEntries[run.memory_id]);
  const cancelRun = useBaton((s) => s.cancelRun);
  const selected = useSelectedTaskId(run.id);
  const selectedTask = selected ? tasks[selected] : undefined;
  const counts = useLiveCounts(run);
  const [query, setQuery] = useState('');
  const [show, setShow] = useState<Shown>('all');
  const shown = useShownTasks(order, tasks, query, show);
  const done = counts.done;
  const total = order.length;
  return (
    <section className="run-panel" aria-label="Run result">
      <header className="run-head">
        <div>
          <h2>
            Run <code>{run.id}</code>
          </h2>
          {/* Broken between its parts, never inside one ("took 1.5" / "s"). */}
          <p className="muted small run-facts">
            <span>plan v{run.plan_version}</span> ·{' '}
            <span>
              <RelativeTime at={run.created_at} prefix="started" />
            </span>
            {run.finished_at && (
              <>
                {' · '}
                <span>took {durationBetween(run.created_at, run.finished_at)}</span>
              </>
            )}
          </p>
        </div>
        <span className={`pill big run-${run.status}`} role="status" aria-label={`Run status: ${run.status}`}>
          {run.status}
        </span>
      </header>
      <div
        className="progress"
        role="progressbar"
        aria-label="Tasks done"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <div style={{ transform: `scaleX(${total ? done / total : 0})` }} />
      </div>
      <p className="small">
        {done} of {total} done
        {SUMMARY.map(
          ([status, words]) =>
            counts[status] > 0 && (
              <span key={status}>
                {' · '}
                <button
                  type="button"
                  className="link"
                  aria-pressed={show === status}
                  title={`Show only the tasks ${words}`}
                  onClick={() => setShow(show === status ? 'all' : status)}
                >
                  {counts[status]} {words}
                </button>
              </span>
            ),
        )}
      </p>
      <RunBranches run={run} tasks={tasks} />
      <RunLandings run={run} tasks={tasks} />
      {run.status === 'executing' && (
        <div className="actions run-cancel">
          <ConfirmButton
            label="Cancel run"
            question="Cancel this run?"
            detail="Every task that has not ended is cancelled and its agent stopped; finished work is kept."
            yes="Yes, cancel the run"
            danger
            no="Keep the run"
            onConfirm={() => cancelRun(run.id)}
          />
        </div>
      )}
      {selectedTask && (
        // A task of its own: what was read about another (history, attempts, open sections) goes.
        <TaskDetail key={taskKey(selectedTask)} task={selectedTask} run={run} />
      )}
      <TaskFinder query={query} onQuery={setQuery} show={show} onShow={setShow} />
      <TaskTable
        runId={run.id}
        order={shown}
        tasks={tasks}
        total={order.length}
        live={run.status === 'executing'}
      />
      <RouteLink
        to={{ screen: 'logs', search: { tab: 'memory', q: '', type: 'build_log', plan: run.plan_id } }}
        className="link small"
      >
        Open the build logs of this plan
      </RouteLink>
      {/* The run's seed-shaped record, for who wants it raw: folded, so the tasks come first. */}
      <details className="build-log">
        <summary>
          Build log <span className="muted small">memory entry {run.memory_id}</span>
        </summary>
        {log ? (
          <section aria-label="Build log entry">
            <pre>{JSON.stringify(log, null, 2)}</pre>
          </section>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </details>
    </section>
  );
}

/** The other statuses the summary line names, in the order it names them. */
const SUMMARY: [TaskStatus, string][] = [
  ['in_progress', 'running'],
  ['awaiting_approval', 'awaiting approval'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
  ['skipped', 'skipped'],
  ['unassigned', 'unassigned'],
];

/**
 * The run's tasks by status, from the task runs streamed to the view (every change arrives as
 * an event; the store keeps them counted); the run row's counts, which the engine sends only
 * with its build log, until they load.
 */
const useLiveCounts = (run: Run): TaskCounts => useBaton((s) => s.runTaskCounts[run.id]) ?? run.counts;

/** Which tasks the table lists: all, or those in one status. */
type Shown = 'all' | TaskStatus;

/** The tasks the table lists, in plan order: matching the search (id or part of it) and status. */
function useShownTasks(
  order: string[],
  tasks: Record<string, TaskRun>,
  query: string,
  show: Shown,
): string[] {
  return useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q && show === 'all') return order;
    return order.filter(
      (id) => (!q || id.toLowerCase().includes(q)) && (show === 'all' || tasks[id]?.status === show),
    );
  }, [order, tasks, query, show]);
}

/** Search the run's tasks by id, and show one status only (thousands of tasks stay findable). */
function TaskFinder({
  query,
  onQuery,
  show,
  onShow,
}: {
  query: string;
  onQuery: (q: string) => void;
  show: Shown;
  onShow: (s: Shown) => void;
}) {
  return (
    <div className="task-finder">
      <input
        type="search"
        placeholder="Find a task by id…"
        aria-label="Find a task"
        value={query}
        onChange={(e) => onQuery(e.target.value)}
      />
      <select aria-label="Show tasks" value={show} onChange={(e) => onShow(e.target.value as Shown)}>
        <option value="all">all statuses</option>
        {TASK_STATUSES.map((st) => (
          <option key={st} value={st}>
            {STATUS_LABEL[st].toLowerCase()}
          </option>
        ))}
      </select>
    </div>
  );
}

const ROW_HEIGHT = 52;

/**
 * Every task's outcome; virtualised, so a run of thousands of tasks stays smooth. A task's id
 * selects it, as clicking it in the graph does (also when the graph is the zoomed-out overview).
 */
function TaskTable({
  runId,
  order,
  tasks,
  total,
  live,
}: {
  runId: string;
  order: string[];
  tasks: Record<string, TaskRun>;
  /** Tasks in the run; `order` may list fewer (a search or a status shown). */
  total: number;
  /** The run executes: a running task's duration counts up each second. */
  live: boolean;
}) {
  const select = useBaton((s) => s.selectRunTask);
  const humans = useHumanIds();
  const now = useNowWhile(live);
  const scroller = useRef<HTMLDivElement>(null);
  // The rows whose Why is shown whole: they grow, and are measured.
  const [opened, setOpened] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (id: string) =>
    setOpened((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const rows = useVirtualizer({
    count: order.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  // The Task column as wide as the widest id is drawn (8 to 22 letters' worth): every row is a
  // grid of its own, so the width is the table's, set once; a longer id ends in … (its title whole).
  const width = useTaskColumnWidth(order, scroller);
  if (order.length === 0) return <p className="muted small">No task of the {total} matches.</p>;
  return (
    <div
      ref={scroller}
      className="task-rows"
      style={
        {
          maxHeight: Math.min(order.length + 1, 9) * ROW_HEIGHT + 4,
          '--task-col': width === null ? `calc(${estimateChars(order)} * 1.1ch)` : `${width}px`,
        } as CSSProperties
      }
    >
      <table className="task-table" aria-label="Task results" aria-rowcount={order.length + 1}>
        <thead>
          <tr className="task-row head">
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Agent</th>
            <th scope="col" className="why">
              Why
            </th>
          </tr>
        </thead>
        <tbody style={{ height: rows.getTotalSize(), position: 'relative', display: 'block' }}>
          {rows.getVirtualItems().map((v) => {
            const id = order[v.index]!;
            const t = tasks[id];
            const pill = t ? statusPill(t, humans) : { className: 'status-pending', label: '…' };
            const open = opened.has(id);
            return (
              <tr
                key={id}
                ref={rows.measureElement}
                data-index={v.index}
                className="task-row"
                aria-rowindex={v.index + 2}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  ...(open ? { minHeight: ROW_HEIGHT } : { height: ROW_HEIGHT }),
                  transform: `translateY(${v.start}px)`,
                }}
              >
                <th scope="row" className="task-cell-id">
                  <button
                    type="button"
                    className="link"
                    title={`Show task ${id}`}
                    onClick={() => void select(runId, id)}
                  >
                    {id}
                  </button>
                </th>
                <td>
                  <span className={`pill ${pill.className}`}>{pill.label}</span>
                </td>
                <td
                  className={`task-cell-duration${durationIsLive(t) ? ' live' : ''}`}
                  title={durationIsLive(t) ? 'Running: counts up until the task ends' : undefined}
                >
                  {taskDuration(t, now)}
                </td>
                <td>
                  <div className="task-agent" title={t?.agent_id ?? undefined}>
                    {t?.agent_id ?? '—'}
                  </div>
                  {t?.delegation_task_id && (
                    <div className="muted small delegation" title={t.delegation_task_id}>
                      {t.delegation_task_id}
                    </div>
                  )}
                </td>
                <WhyCell
                  taskId={id}
                  text={t?.reason ? withCountdown(t.reason, now) : (t?.error ?? explain(t))}
                  open={open}
                  onToggle={() => toggle(id)}
                />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function explain(t: TaskRun | undefined): string {
  if (!t?.match?.score) return '';
  const rejected = t.match.rejected.length;
  return `score ${t.match.score.total}${rejected ? ` · ${rejected} other agent${rejected === 1 ? '' : 's'} rejected` : ''}`;
}
