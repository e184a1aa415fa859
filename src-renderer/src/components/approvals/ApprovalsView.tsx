import { useEffect } from 'react';
import type { Route } from '../../routes/routes.ts';
import { useBaton } from '../../store/index.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { ScreenHead } from '../shared/ScreenHead.tsx';
import { DecidedApprovals } from './DecidedApprovals.tsx';
import { PendingApprovals } from './PendingApprovals.tsx';

/** Every pending approval across runs, each answered in your name; and the latest decided. */
export function ApprovalsView() {
  // A signed-in person decides as themselves (nothing to say of a name); where nobody signs in,
  // as the name they gave, asked the first time. Said once who is here is known.
  const known = useBaton((s) => s.me !== null);
  const person = useBaton((s) => s.me?.person ?? null);
  const name = useBaton((s) => s.identity?.name ?? null);
  const loadApprovals = useBaton((s) => s.loadApprovals);
  const tab = useBaton((s) => s.approvalsTab);
  useEffect(() => {
    void loadApprovals();
  }, [loadApprovals]);
  return (
    <div className="page">
      <ScreenHead
        title="Approvals"
        about={
          <>
            Tasks wait here for a decision; other branches keep running meanwhile.{' '}
            {!known || person
              ? null
              : name
                ? `Decisions are recorded as ${name}.`
                : 'Baton asks your name the first time you decide.'}
          </>
        }
      />
      <OpenedApproval />
      <ApprovalsTabs />
      {tab === 'decided' ? (
        <DecidedApprovals />
      ) : (
        <>
          <PendingApprovals />
          <ExpiredApprovals />
        </>
      )}
    </div>
  );
}

/** The inbox's two lists, each a page with its address: what waits, and what was decided. */
function ApprovalsTabs() {
  const tab = useBaton((s) => s.approvalsTab);
  const waiting = useBaton((s) => s.pending.length);
  const filter = useBaton((s) => s.approvalFilter);
  const sort = useBaton((s) => s.approvalSort);
  // Each tab keeps the filters and the order chosen.
  const base: Route = {
    screen: 'approvals',
    approvalId: null,
    ...(filter.plan_id ? { plan: filter.plan_id } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(sort !== 'blocking' ? { sort } : {}),
  };
  return (
    <nav className="tabs approvals-tabs" aria-label="Approvals lists">
      <RouteLink
        to={base}
        className={tab === 'pending' ? 'tab active' : 'tab'}
        aria-current={tab === 'pending' ? 'page' : undefined}
      >
        Waiting ({waiting})
      </RouteLink>
      <RouteLink
        to={{ ...base, show: 'decided' }}
        className={tab === 'decided' ? 'tab active' : 'tab'}
        aria-current={tab === 'decided' ? 'page' : undefined}
      >
        Decided
      </RouteLink>
    </nav>
  );
}

/**
 * An approval an address pointed at that does not wait here (answered, expired long ago, or
 * never there): said at the top, with the way back to the whole inbox.
 */
function OpenedApproval() {
  const id = useBaton((s) => s.openApprovalId);
  const listed = useBaton(
    (s) =>
      id !== null &&
      (s.pending.some((a) => a.id === id) ||
        s.expired.some((a) => a.id === id) ||
        (s.approvalsTab === 'decided' && (s.decided ?? []).some((a) => a.id === id))),
  );
  if (id === null || listed) return null;
  return (
    <p className="notice" role="status">
      Approval <code>{id}</code> is not waiting for a decision: it was answered, or there is no such approval.{' '}
      <RouteLink to={{ screen: 'approvals', approvalId: null }} className="link">
        Show every approval
      </RouteLink>{' '}
      ·{' '}
      <RouteLink to={{ screen: 'approvals', approvalId: id, show: 'decided' }} className="link">
        See the decided ones
      </RouteLink>
    </p>
  );
}

/** What went unanswered: tool calls whose asker stopped waiting (their CLI's call timed out). */
function ExpiredApprovals() {
  const expired = useBaton((s) => s.expired);
  const openId = useBaton((s) => s.openApprovalId);
  if (expired.length === 0) return null;
  return (
    <section className="inbox" aria-label="Expired approvals">
      <h2>Expired while waiting ({expired.length})</h2>
      <p className="muted small">
        Nobody answered before the agent stopped waiting: the call did not run, and there is nothing left to
        decide. Shown for a day.
      </p>
      <ul className="cards">
        {expired.map((a) => (
          <li
            key={a.id}
            className={`card${a.id === openId ? ' opened' : ''}`}
            aria-label={`Expired approval for ${a.task_id}`}
            aria-current={a.id === openId || undefined}
          >
            <div className="card-head">
              <strong>{a.task_id}</strong>
              <span className="pill status-failed">Expired</span>
            </div>
            <p className="small">
              {a.tool_call ? (
                <>
                  <code>
                    {a.tool_call.server ? `${a.tool_call.server} › ${a.tool_call.tool}` : a.tool_call.tool}
                  </code>{' '}
                  ({a.reason})
                </>
              ) : (
                a.reason
              )}
            </p>
            {a.comment && <p className="small">{a.comment}</p>}
            <p className="small muted">
              run <code>{a.run_id}</code> · <RelativeTime at={a.requested_at} prefix="asked" /> ·{' '}
              <RelativeTime at={a.decided_at} prefix="expired" />
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
