import type { ReactElement } from 'react';
import { lazy, Suspense, useEffect, useMemo, useRef } from 'react';
import type { ApprovalKind, ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import { filtersApprovals, matchesApproval } from '../../approvals/approval-filter.ts';
import { useBaton } from '../../store/index.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { useFocusAfterRemoval } from '../shared/use-focus-after-removal.ts';
import { ApprovalBody, ApprovalPill } from './ApprovalBody.tsx';
import { ApprovalDecision } from './ApprovalDecision.tsx';
import { ApprovalFilters } from './ApprovalFilters.tsx';
import { BuildsOn } from './BuildsOn.tsx';
import { MergeConflictReview } from './merge-conflict/MergeConflictReview.tsx';

/** A diff to review brings its viewer (git-diff-view and its highlighter) only when one waits. */
const DiffReview = lazy(() => import('./diff/DiffReview.tsx'));
/** A tool call's review draws a file write's diff with the same viewer. */
const ToolCallReview = lazy(() => import('./tool-call/ToolCallReview.tsx'));

/** Every pending approval across runs, each answered in your name. */
export function ApprovalsView() {
  const pending = useBaton((s) => s.pending);
  const identity = useBaton((s) => s.identity);
  const loadApprovals = useBaton((s) => s.loadApprovals);
  const filter = useBaton((s) => s.approvalFilter);
  const setFilter = useBaton((s) => s.setApprovalFilter);
  useEffect(() => {
    void loadApprovals();
  }, [loadApprovals]);
  const shown = useMemo(() => pending.filter((a) => matchesApproval(a, filter)), [pending, filter]);
  const filtered = filtersApprovals(filter);
  const focus = useFocusAfterRemoval(useMemo(() => shown.map((a) => a.id), [shown]));
  return (
    <div className="page">
      <header className="plan-head">
        <div>
          <h1>Approvals</h1>
          <p className="muted small">
            Tasks wait here for a decision; other branches keep running meanwhile.{' '}
            {identity
              ? `Decisions are recorded as ${identity.name}.`
              : 'Baton asks your name the first time you decide.'}
          </p>
        </div>
      </header>
      <OpenedApproval />
      <section className="inbox" aria-label="Pending approvals">
        <h2 ref={focus.heading} tabIndex={-1}>
          Waiting for a decision ({filtered ? `${shown.length} of ${pending.length}` : pending.length})
        </h2>
        {(pending.length > 0 || filtered) && <ApprovalFilters pending={pending} />}
        {pending.length === 0 && !filtered ? (
          <p className="muted">
            Nothing waits for a decision. Tasks with “requires approval”, over budget, or escalated by a
            decider appear here.
          </p>
        ) : shown.length === 0 ? (
          <p className="muted">
            {pending.length === 0
              ? 'Nothing waits for a decision.'
              : 'No approval waiting matches the filters.'}{' '}
            <button type="button" className="link" onClick={() => setFilter({})}>
              Clear the filters
            </button>
          </p>
        ) : (
          <ul className="cards approval-list" ref={focus.list}>
            {shown.map((a) => (
              <ApprovalCard key={a.id} approval={a} onDeciding={focus.removing} />
            ))}
          </ul>
        )}
      </section>
      <ExpiredApprovals />
    </div>
  );
}

/**
 * An approval an address pointed at that does not wait here (answered, expired long ago, or
 * never there): said at the top, with the way back to the whole inbox.
 */
function OpenedApproval() {
  const id = useBaton((s) => s.openApprovalId);
  const listed = useBaton(
    (s) => id !== null && (s.pending.some((a) => a.id === id) || s.expired.some((a) => a.id === id)),
  );
  if (id === null || listed) return null;
  return (
    <p className="notice" role="status">
      Approval <code>{id}</code> is not waiting for a decision: it was answered, or there is no such approval.{' '}
      <RouteLink to={{ screen: 'approvals', approvalId: null }} className="link">
        Show every approval
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

/** How the inbox's card answers an approval of kind `K`: a review of its own, or null for the plain answers. */
type Review<K extends ApprovalKind> = (
  a: ApprovalView & { kind: K },
  onDeciding: (id: string) => void,
) => ReactElement | null;

/**
 * How the inbox's card answers each kind, one entry per kind (the compiler asks for a new
 * kind's): a kind with a review of its own (a diff, a tool call, a merge conflict) takes the
 * card's whole width; null (a kind without one, or a row an older host kept without its
 * details) leaves the card plain: read on the left, the comment and two answers on the right.
 */
const REVIEWS: { [K in ApprovalKind]: Review<K> } = {
  approval_required: () => null,
  budget: () => null,
  escalation: () => null,
  diff_review: (a, onDeciding) => (
    <Suspense fallback={<p className="muted small">Opening the diff…</p>}>
      <DiffReview approval={a} onDeciding={onDeciding} />
    </Suspense>
  ),
  tool_call: (a, onDeciding) =>
    a.tool_call ? (
      <Suspense fallback={<p className="muted small">Opening the tool call…</p>}>
        <ToolCallReview approval={a} call={a.tool_call} onDeciding={onDeciding} />
      </Suspense>
    ) : null,
  merge_conflict: (a, onDeciding) =>
    a.merge_conflict ? (
      <MergeConflictReview approval={a} conflict={a.merge_conflict} onDeciding={onDeciding} />
    ) : null,
};

function reviewOf<K extends ApprovalKind>(a: ApprovalView & { kind: K }, onDeciding: (id: string) => void) {
  const review: Review<K> = REVIEWS[a.kind];
  return review(a, onDeciding);
}

function ApprovalCard({ approval: a, onDeciding }: { approval: ApprovalView; onDeciding(id: string): void }) {
  // The approval an address points at is marked, and brought into view once.
  const opened = useBaton((s) => s.openApprovalId === a.id);
  const card = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (opened) card.current?.scrollIntoView({ block: 'nearest' });
  }, [opened]);
  // A plain approval is read on the left and answered on the right, as a review queue's row;
  // a kind with a review of its own takes the card's whole width.
  const review = reviewOf(a, onDeciding);
  const plain = review === null;
  return (
    <li
      ref={card}
      className={`card approval-card${plain ? ' split' : ''}${opened ? ' opened' : ''}`}
      aria-label={`Approval for ${a.task_id}`}
      aria-current={opened || undefined}
      tabIndex={-1}
    >
      <div className="card-main">
        <div className="card-head">
          <RouteLink
            to={{ screen: 'approvals', approvalId: a.id }}
            className="card-title"
            title={`The address of this approval (${a.id})`}
          >
            {a.task_id}
          </RouteLink>
          <ApprovalPill approval={a} />
        </div>
        {a.task_description && <p>{a.task_description}</p>}
        {plain && <ApprovalBody approval={a} />}
        <BuildsOn taskId={a.task_id} dependencies={a.dependencies} open={a.dependencies.length <= 3} />
        <p className="small muted">
          plan{' '}
          {a.plan_id ? (
            <RouteLink to={{ screen: 'plan', planId: a.plan_id, tab: 'graph' }} className="link">
              {a.plan_id}
            </RouteLink>
          ) : (
            '?'
          )}{' '}
          · run{' '}
          <RouteLink
            to={{ screen: 'run', runId: a.run_id, taskId: a.task_id }}
            className="link"
            title={`Show ${a.task_id} in its run`}
          >
            <code>{a.run_id}</code>
          </RouteLink>
          {a.cost > 0 && ` · cost ${a.cost}`} · <RelativeTime at={a.requested_at} prefix="asked" />
        </p>
      </div>
      <div className="card-decide">{review ?? <ApprovalDecision approval={a} onDeciding={onDeciding} />}</div>
    </li>
  );
}
