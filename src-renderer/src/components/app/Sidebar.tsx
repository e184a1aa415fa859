import { useEffect, useMemo, useState } from 'react';
import type { RunStatus } from '../../../../src-shared/schemas/plain/run.ts';
import { formatRoute, parseRoute } from '../../routes/routes.ts';
import { routeOf, screenRoute, sidebarViewOf } from '../../routes/state-route.ts';
import { lastRuns } from '../../store/all-runs.ts';
import { useBaton } from '../../store/index.ts';
import type { View, ViewInfo } from '../../views.ts';
import { VIEW_LIST } from '../../views.ts';
import { NewPlanButton } from '../plans/NewPlanDialog.tsx';
import { FileButton } from '../shared/FileButton.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { IdentityLine } from './IdentityDialog.tsx';
import { NotificationPrompt } from './NotificationPrompt.tsx';
import { useNarrow } from './use-narrow.ts';

/**
 * The sections and plans. In a narrow window (use-narrow.ts) it folds to a rail with one button
 * that shows it over the screen; choosing a section or a plan, Escape or a click beside it folds
 * it again.
 */
export function Sidebar() {
  const narrow = useNarrow();
  const [open, setOpen] = useState(false);
  const connection = useBaton((s) => s.connection);
  // What the sections' badges count (approvals pending, your tasks), summed on the folded rail.
  const waiting = useBaton((s) => VIEW_LIST.reduce((n, v) => n + (v.badge?.count(s) ?? 0), 0));
  useEffect(() => {
    if (!narrow) setOpen(false);
  }, [narrow]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  if (!narrow) return <SidebarBody />;
  return (
    <>
      <aside className="sidebar rail" aria-label="Sidebar (folded)">
        <button
          type="button"
          className="rail-toggle"
          aria-label={waiting > 0 ? `Show the sidebar (${waiting} waiting for you)` : 'Show the sidebar'}
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          ☰
        </button>
        {waiting > 0 && (
          <span className="badge" aria-hidden>
            {waiting}
          </span>
        )}
        <span
          role="img"
          className={`conn conn-${connection}`}
          title={`Connection: ${connection}`}
          aria-label={`Connection ${connection}`}
        />
      </aside>
      {open && (
        <>
          <div className="sidebar-backdrop" aria-hidden onClick={() => setOpen(false)} />
          <SidebarBody overlay onChosen={() => setOpen(false)} />
        </>
      )}
    </>
  );
}

function SidebarBody({ overlay, onChosen }: { overlay?: boolean; onChosen?: () => void }) {
  const view = useBaton((s) => s.view);
  // The entry marked: the one the address is under (a run's page under Runs), none on a page
  // that names nothing.
  const marked = useBaton((s) => sidebarViewOf(routeOf(s)));
  const onList = useBaton((s) => s.view === 'planlist' && !s.missing);
  const allPlans = useBaton((s) => formatRoute(screenRoute(s, 'planlist')));
  const plans = useBaton((s) => s.plans);
  // While a new plan's draft is open, no saved plan is the one shown; while one is edited, that one is.
  const selected = useBaton((s) => (s.draft ? (s.draftIsNew ? null : s.editedPlanId) : s.selectedPlanId));
  const importPlan = useBaton((s) => s.importPlan);
  const connection = useBaton((s) => s.connection);
  const allRuns = useBaton((s) => s.allRuns);
  const last = useMemo(() => lastRuns(allRuns), [allRuns]);
  return (
    <aside className={overlay ? 'sidebar overlay' : 'sidebar'}>
      <div className="brand">
        <span className="logo" aria-hidden>
          ◆
        </span>{' '}
        Baton
        <span
          role="img"
          className={`conn conn-${connection}`}
          title={`Connection: ${connection}`}
          aria-label={`Connection ${connection}`}
        />
        {overlay && (
          <button type="button" className="icon" aria-label="Hide the sidebar" onClick={onChosen}>
            ×
          </button>
        )}
      </div>
      <nav aria-label="Sections">
        {VIEW_LIST.filter((v) => !v.under).map((v) => (
          <NavLink key={v.view} entry={v} active={marked === v.view} onClick={onChosen} />
        ))}
      </nav>
      <div className="sidebar-section">
        <h2>
          <RouteLink
            to={parseRoute(allPlans)}
            className={`all-plans${onList ? ' active' : ''}`}
            aria-current={onList ? 'page' : undefined}
            aria-label="All plans"
            title="All plans, in a table: search, tags, owners, schedules, archived plans"
            onClick={onChosen}
          >
            Plans
          </RouteLink>
        </h2>
        <div className="actions">
          <NewPlanButton />
          <FileButton label="Import…" inputLabel="Plan file" onFile={importPlan} />
        </div>
      </div>
      <ul className="plan-list" aria-label="Plans">
        {/* Archived plans are on the Plans page (Show archived), not here. */}
        {plans
          .filter((p) => p.archived_at === null)
          .map((p) => (
            <li key={p.plan_id}>
              <RouteLink
                to={{ screen: 'plan', planId: p.plan_id, tab: 'graph' }}
                className={`plan-item${p.plan_id === selected && view === 'plans' ? ' active' : ''}`}
                aria-current={p.plan_id === selected ? 'true' : undefined}
                onClick={onChosen}
              >
                <span className="plan-name">{p.name}</span>
                <span className="muted small">
                  {p.task_count} task{p.task_count === 1 ? '' : 's'} · v{p.version}
                  {last.has(p.plan_id) && (
                    <>
                      {' · '}
                      <LastRun status={last.get(p.plan_id)!.status} />
                    </>
                  )}
                </span>
              </RouteLink>
            </li>
          ))}
      </ul>
      <NotificationPrompt />
      <IdentityLine />
    </aside>
  );
}

/**
 * A screen's entry in the sidebar, with its count when something waits there. It links to the
 * screen as it was left (its plan, run, search or filters), as going back to it shows.
 */
function NavLink({
  entry,
  active,
  onClick,
}: {
  entry: ViewInfo & { view: View };
  active: boolean;
  onClick?: (() => void) | undefined;
}) {
  const count = useBaton((s) => entry.badge?.count(s) ?? 0);
  // By its address, a string: the store's other changes do not draw the entry again.
  const address = useBaton((s) => formatRoute(screenRoute(s, entry.view)));
  const to = useMemo(() => parseRoute(address), [address]);
  const badge = entry.badge && count > 0 ? entry.badge : null;
  return (
    <RouteLink
      to={to}
      className={`nav${active ? ' active' : ''}`}
      aria-current={active ? 'page' : undefined}
      onClick={onClick}
      aria-label={badge ? `${entry.label}, ${count} ${badge.words}` : entry.label}
    >
      {entry.label}
      {badge && <span className="badge">{count}</span>}
    </RouteLink>
  );
}

/** A plan's last run, as its status. */
function LastRun({ status }: { status: RunStatus }) {
  return (
    <span className={`last-run run-${status}`} title={`Last run: ${status}`}>
      {status}
    </span>
  );
}
