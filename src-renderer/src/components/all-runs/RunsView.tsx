import { useEffect, useMemo, useState } from 'react';
import type { RunStatus, TaskCounts } from '../../../../src-shared/schemas/plain/run.ts';
import { RUN_STATUSES } from '../../../../src-shared/schemas/plain/run.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import { formatDuration } from '../../format/duration.ts';
import { startedByShort } from '../../format/started-by.ts';
import { navigate } from '../../routes/history-sync.ts';
import { useBaton } from '../../store/index.ts';
import { LandingLine } from '../landing/LandingLine.tsx';
import { StagePill } from '../landing/StagePill.tsx';
import { type Column, DataTable } from '../shared/DataTable.tsx';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { ScreenHead } from '../shared/ScreenHead.tsx';

/** The most runs the table lists: the newest matching the filters. */
const SHOWN = 500;

/** Every run of every plan, newest first, live: find one by status, plan or id, and open it. */
export function RunsView() {
  const runs = useBaton((s) => s.allRuns);
  const plans = useBaton((s) => s.plans);
  const loadAllRuns = useBaton((s) => s.loadAllRuns);
  // The filters are the store's: the address names them.
  const filter = useBaton((s) => s.runsFilter);
  const setFilter = useBaton((s) => s.setRunsFilter);
  const status: '' | RunStatus = filter.status ?? '';
  const planId = filter.plan ?? '';
  const query = filter.q ?? '';
  const patch = (p: { status?: RunStatus | undefined; plan?: string | undefined; q?: string | undefined }) =>
    setFilter(Object.fromEntries(Object.entries({ ...filter, ...p }).filter(([, v]) => v)));
  useEffect(() => {
    void loadAllRuns();
  }, [loadAllRuns]);
  const names = useMemo(() => new Map(plans.map((p) => [p.plan_id, p.name])), [plans]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (runs ?? []).filter(
      (r) =>
        (!status || r.status === status) &&
        (!planId || r.plan_id === planId) &&
        (!q ||
          r.id.toLowerCase().includes(q) ||
          r.plan_id.toLowerCase().includes(q) ||
          (names.get(r.plan_id) ?? '').toLowerCase().includes(q)),
    );
  }, [runs, status, planId, query, names]);
  const executing = runs?.some((r) => r.status === 'executing') ?? false;
  const now = useNowWhile(executing);
  return (
    <div className="page">
      <ScreenHead title="Runs" about="Every run of every plan, newest first; it follows runs as they go.">
        <input
          type="search"
          placeholder="Find a run by id or plan…"
          aria-label="Find a run"
          value={query}
          onChange={(e) => patch({ q: e.target.value })}
        />
      </ScreenHead>
      <fieldset className="filters" aria-label="Run filters">
        <label>
          Status
          <select
            value={status}
            onChange={(e) => patch({ status: RUN_STATUSES.find((s) => s === e.target.value) })}
          >
            <option value="">any</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s} ({(runs ?? []).filter((r) => r.status === s).length})
              </option>
            ))}
          </select>
        </label>
        <label>
          Plan
          <select value={planId} onChange={(e) => patch({ plan: e.target.value })}>
            <option value="">any</option>
            {plans.map((p) => (
              <option key={p.plan_id} value={p.plan_id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">
          {runs === null
            ? 'Loading…'
            : shown.length > SHOWN
              ? `the newest ${SHOWN} of ${shown.length} runs`
              : `${shown.length} run${shown.length === 1 ? '' : 's'}${shown.length < runs.length ? ` of ${runs.length}` : ''}`}
        </span>
      </fieldset>
      {runs !== null && runs.length === 0 ? (
        <p className="empty muted">No runs yet. Open a plan and press Run plan.</p>
      ) : (
        <RunsTable runs={shown.slice(0, SHOWN)} names={names} now={now} />
      )}
    </div>
  );
}

function RunsTable({ runs, names, now }: { runs: Run[]; names: ReadonlyMap<string, string>; now: number }) {
  const counts = useBaton((s) => s.runTaskCounts);
  const landings = useBaton((s) => s.landings);
  const loadAllLandings = useBaton((s) => s.loadAllLandings);
  useEffect(() => {
    void loadAllLandings();
  }, [loadAllLandings]);
  // The Landed column is there once a run shown has landed something.
  const landed = runs.some((r) => (landings[r.id] ?? []).length > 0);
  const columns: Column<Run>[] = [
    {
      id: 'status',
      header: 'Status',
      cell: (r) => (
        <>
          <span className={`pill run-${r.status}`}>{r.status}</span>
          <StagePill landings={landings[r.id]} />
        </>
      ),
    },
    {
      id: 'plan',
      header: 'Plan',
      cell: (r) => (
        <>
          {names.get(r.plan_id) ?? r.plan_id}
          <div className="muted small">
            {r.plan_id} · v{r.plan_version}
          </div>
        </>
      ),
    },
    {
      id: 'run',
      header: 'Run',
      rowHeader: true,
      cell: (r) => (
        <RouteLink
          to={{ screen: 'run', runId: r.id, taskId: null }}
          className="link"
          aria-label={`Open run ${r.id} of ${names.get(r.plan_id) ?? r.plan_id}`}
        >
          <code>{r.id}</code>
        </RouteLink>
      ),
    },
    {
      id: 'started',
      header: 'Started',
      cellClass: 'nowrap',
      cell: (r) => <RelativeTime at={r.created_at} />,
    },
    { id: 'by', header: 'By', cell: (r) => startedByShort(r.started_by) ?? '—' },
    {
      id: 'duration',
      header: 'Duration',
      cell: (r) =>
        formatDuration((r.finished_at ? Date.parse(r.finished_at) : now) - Date.parse(r.created_at)),
    },
    ...(landed
      ? [
          {
            id: 'landed',
            header: 'Landed',
            cellClass: 'small',
            cell: (r: Run) =>
              (landings[r.id] ?? []).map((l) => (
                <LandingLine
                  key={l.task_id ?? ''}
                  l={l}
                  named={`${l.task_id ?? 'the run'} of run ${r.id}`}
                  compact
                />
              )),
          },
        ]
      : []),
    {
      id: 'tasks',
      header: 'Tasks',
      cell: (r) => (
        <>
          <TasksBar counts={counts[r.id] ?? r.counts} />
          <span className="small">{tasksLine(counts[r.id] ?? r.counts)}</span>
        </>
      ),
    },
  ];
  return (
    <DataTable
      label="Runs"
      className="runs-table stack"
      columns={columns}
      rows={runs}
      rowKey={(r) => r.id}
      empty={<p className="empty muted">No run matches.</p>}
      rowClass={() => 'run-row'}
      // The whole row opens the run; its link is the keyboard's way.
      onOpen={(r) => void navigate({ screen: 'run', runId: r.id, taskId: null })}
    />
  );
}

/** The parts of a run's tasks in the bar under its Tasks, in the order they are drawn. */
const BAR_PARTS = [
  'done',
  'failed',
  'awaiting_approval',
  'in_progress',
] as const satisfies readonly (keyof TaskCounts)[];

/** How far a run's tasks got, as a bar: done, failed, waiting for a person, running; the rest empty. */
function TasksBar({ counts: c }: { counts: TaskCounts }) {
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  return (
    <div className="tasks-bar" aria-hidden="true">
      {BAR_PARTS.map((k) =>
        c[k] > 0 ? (
          <span key={k} className={`part-${k}`} style={{ width: `${(100 * c[k]) / total}%` }} />
        ) : null,
      )}
    </div>
  );
}

/** "3 of 5 done · 1 failed": how far a run's tasks got. */
function tasksLine(c: TaskCounts): string {
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  const parts = [`${c.done} of ${total} done`];
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.awaiting_approval) parts.push(`${c.awaiting_approval} awaiting approval`);
  if (c.in_progress) parts.push(`${c.in_progress} running`);
  return parts.join(' · ');
}

/** The time now, every second while `ticking` (executing runs' durations grow). */
function useNowWhile(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
