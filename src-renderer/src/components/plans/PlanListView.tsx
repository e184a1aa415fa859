import { useEffect, useMemo } from 'react';
import type { PlanListFilter } from '../../routes/routes.ts';
import { lastRuns } from '../../store/all-runs.ts';
import { useBaton } from '../../store/index.ts';
import { whenWithZone } from '../reach/field-errors.ts';
import { useReachList } from '../reach/reach-parts.tsx';
import { type Column, DataTable } from '../shared/DataTable.tsx';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { ScreenHead } from '../shared/ScreenHead.tsx';
import { NewPlanButton } from './NewPlanDialog.tsx';
import { PlanRowActions } from './PlanRowActions.tsx';
import type { PlanRow } from './plan-list.ts';
import { planRows, planTags } from './plan-list.ts';

/**
 * The Plans page (as Airflow lists its DAGs): every plan in a table, with its tags, owner, last
 * and next run, schedule and whether it is paused or archived; found by a search and a tag (the
 * address keeps both), and copied, archived or deleted from its row.
 */
export function PlanListView() {
  const plans = useBaton((s) => s.plans);
  const plansLoaded = useBaton((s) => s.plansLoaded);
  const allRuns = useBaton((s) => s.allRuns);
  const loadAllRuns = useBaton((s) => s.loadAllRuns);
  const filter = useBaton((s) => s.planListFilter);
  const setFilter = useBaton((s) => s.setPlanListFilter);
  const schedules = useReachList('schedules');
  const last = useMemo(() => lastRuns(allRuns), [allRuns]);
  const runCounts = useMemo(() => {
    const n = new Map<string, number>();
    for (const r of allRuns ?? []) n.set(r.plan_id, (n.get(r.plan_id) ?? 0) + 1);
    return n;
  }, [allRuns]);
  const rows = useMemo(
    () => planRows(plans, last, schedules ?? [], filter),
    [plans, last, schedules, filter],
  );
  const tags = useMemo(() => planTags(plans, filter.archived === true), [plans, filter.archived]);
  const archivedCount = plans.filter((p) => p.archived_at !== null).length;
  const patch = (p: PlanListFilter) => {
    const next: Record<string, unknown> = { ...filter, ...p };
    setFilter(Object.fromEntries(Object.entries(next).filter(([, v]) => v)) as PlanListFilter);
  };
  // The last runs come with the plan list; read them if they were not yet.
  const runsRead = allRuns !== null;
  useEffect(() => {
    if (!runsRead) void loadAllRuns();
  }, [runsRead, loadAllRuns]);
  const visible = plans.filter((p) => filter.archived || p.archived_at === null).length;
  return (
    <div className="page plan-list-page">
      <ScreenHead
        title="All plans"
        about="Every plan, its last and next run. Find one by name, id, tag or owner."
      >
        <div className="actions">
          <input
            type="search"
            placeholder="Find a plan by name, id, tag or owner…"
            aria-label="Find a plan"
            value={filter.q ?? ''}
            onChange={(e) => patch({ q: e.target.value })}
          />
          <NewPlanButton />
        </div>
      </ScreenHead>
      <fieldset className="filters" aria-label="Plan filters">
        <label>
          Tag
          <select value={filter.tag ?? ''} onChange={(e) => patch({ tag: e.target.value })}>
            <option value="">any</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
            {filter.tag && !tags.includes(filter.tag) && <option value={filter.tag}>{filter.tag}</option>}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filter.archived === true}
            onChange={(e) => patch({ archived: e.target.checked || undefined })}
          />
          Show archived ({archivedCount})
        </label>
        <span className="muted small" aria-live="polite">
          {!plansLoaded
            ? 'Loading…'
            : rows.length === visible
              ? `${visible} plan${visible === 1 ? '' : 's'}`
              : `${rows.length} of ${visible} plans`}
        </span>
      </fieldset>
      {plansLoaded && plans.length === 0 ? (
        <p className="empty muted">
          No plans yet. Start one with New plan, or import a plan file from the sidebar.
        </p>
      ) : rows.length === 0 ? (
        <p className="empty muted">
          No plan matches.
          {archivedCount > 0 &&
            !filter.archived &&
            ' Archived plans are hidden: Show archived lists them too.'}
        </p>
      ) : (
        <PlanTable rows={rows} runCounts={runCounts} onTag={(tag) => patch({ tag })} />
      )}
    </div>
  );
}

function PlanTable({
  rows,
  runCounts,
  onTag,
}: {
  rows: PlanRow[];
  runCounts: ReadonlyMap<string, number>;
  onTag(tag: string): void;
}) {
  const columns: Column<PlanRow>[] = [
    {
      id: 'plan',
      header: 'Plan',
      rowHeader: true,
      cell: (row) => (
        <>
          <RouteLink to={{ screen: 'plan', planId: row.plan.plan_id, tab: 'graph' }} className="link">
            {row.plan.name}
          </RouteLink>
          {row.plan.archived_at !== null && <span className="pill status-skipped">archived</span>}
          <div className="muted small">
            <code>{row.plan.plan_id}</code> · v{row.plan.version} · {row.plan.task_count} task
            {row.plan.task_count === 1 ? '' : 's'}
          </div>
        </>
      ),
    },
    { id: 'tags', header: 'Tags', cell: (row) => <Tags tags={row.plan.tags} onTag={onTag} /> },
    { id: 'owner', header: 'Owner', cell: (row) => row.plan.owner ?? <span className="muted">—</span> },
    {
      id: 'last-run',
      header: 'Last run',
      cellClass: 'nowrap',
      cell: (row) =>
        row.lastRun ? (
          <RouteLink
            to={{ screen: 'run', runId: row.lastRun.id, taskId: null }}
            className="link"
            aria-label={`Last run of ${row.plan.name}: ${row.lastRun.status}`}
          >
            <span className={`pill run-${row.lastRun.status}`}>{row.lastRun.status}</span>{' '}
            <RelativeTime at={row.lastRun.created_at} />
          </RouteLink>
        ) : (
          <span className="muted">never run</span>
        ),
    },
    { id: 'next-run', header: 'Next run', cellClass: 'next-run', cell: (row) => <NextRun row={row} /> },
    { id: 'schedule', header: 'Schedule', cellClass: 'schedule', cell: (row) => <ScheduleCell row={row} /> },
    {
      id: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      cellClass: 'row-actions',
      cell: (row) => (
        <div className="row-buttons">
          <PlanRowActions plan={row.plan} runs={runCounts.get(row.plan.plan_id) ?? 0} />
        </div>
      ),
    },
  ];
  return (
    <DataTable
      label="Plans"
      className="plan-table stack"
      columns={columns}
      rows={rows}
      rowKey={(row) => row.plan.plan_id}
      rowLabel={(row) => `Plan ${row.plan.name}`}
    />
  );
}

function Tags({ tags, onTag }: { tags: string[]; onTag(tag: string): void }) {
  if (tags.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="tag-list" aria-label="Tags">
      {tags.map((t) => (
        <li key={t}>
          <button
            type="button"
            className="chip"
            aria-label={`Show plans tagged ${t}`}
            onClick={() => onTag(t)}
          >
            {t}
          </button>
        </li>
      ))}
    </ul>
  );
}

function NextRun({ row }: { row: PlanRow }) {
  if (row.plan.archived_at !== null) return <span className="muted">— (archived)</span>;
  if (!row.nextRun) return <span className="muted">{row.paused ? '— (paused)' : '—'}</span>;
  const { at, timezone } = row.nextRun;
  return (
    <>
      <time dateTime={at}>{whenWithZone(at, timezone)}</time>
      <div className="muted small">
        <RelativeTime at={at} />
      </div>
    </>
  );
}

function ScheduleCell({ row }: { row: PlanRow }) {
  const first = row.schedules[0];
  if (!first) return <span className="muted">none</span>;
  const more = row.schedules.length - 1;
  return (
    <RouteLink
      to={{ screen: 'plan', planId: row.plan.plan_id, tab: 'schedules' }}
      className="link"
      aria-label={`Schedules of ${row.plan.name}: ${first.words}${row.paused ? ', paused' : ''}`}
    >
      {first.words}
      {more > 0 && <span className="muted small"> (+{more} more)</span>}{' '}
      {row.paused && <span className="pill status-ready">paused</span>}
    </RouteLink>
  );
}
