import { useEffect, useMemo, useRef } from 'react';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import { filtersApprovals, matchesApproval } from '../../approvals/approval-filter.ts';
import { APPROVAL_KINDS } from '../../approvals/approval-kinds.ts';
import { DECIDED_SHOWN } from '../../store/approval-history.ts';
import { useBaton } from '../../store/index.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { ApprovalPill } from './ApprovalBody.tsx';
import { ApprovalOrigin } from './ApprovalCard.tsx';
import { ApprovalFilters } from './ApprovalFilters.tsx';

/** The decision's word for an approval of its kind: "Approved", "Denied", "Changes requested". */
export function decisionWord(a: ApprovalView): string {
  const words = APPROVAL_KINDS[a.kind].decidedAs;
  if (a.status === 'approved') return words.approved;
  if (a.status === 'rejected') return words.rejected;
  if (a.status === 'changes_requested') return 'Changes requested';
  return a.status;
}

/**
 * The latest decisions, the latest first, as a review queue's history: what was asked, who
 * decided, when, the decision and the comment (why). Kept live: a decision made anywhere (in
 * another tab, by another person, over the CLI) comes in at the top with the host's event.
 */
export function DecidedApprovals() {
  const decided = useBaton((s) => s.decided);
  const loadDecided = useBaton((s) => s.loadDecided);
  const filter = useBaton((s) => s.approvalFilter);
  const setFilter = useBaton((s) => s.setApprovalFilter);
  useEffect(() => {
    void loadDecided();
  }, [loadDecided]);
  const list = decided ?? [];
  const shown = useMemo(() => list.filter((a) => matchesApproval(a, filter)), [list, filter]);
  const filtered = filtersApprovals(filter);
  return (
    <section className="inbox" aria-label="Decided approvals">
      <h2>Decided ({filtered ? `${shown.length} of ${list.length}` : list.length})</h2>
      <p className="muted small">
        The latest {DECIDED_SHOWN} decisions, the latest first. The audit log under Build logs keeps every
        one.
      </p>
      {(list.length > 0 || filtered) && <ApprovalFilters pending={list} />}
      {decided === null ? (
        <p className="muted">Reading the decisions…</p>
      ) : shown.length === 0 ? (
        <p className="muted">
          {list.length === 0 ? 'Nothing was decided yet.' : 'No decision matches the filters.'}{' '}
          {filtered && (
            <button type="button" className="link" onClick={() => setFilter({})}>
              Clear the filters
            </button>
          )}
        </p>
      ) : (
        <ul className="cards approval-list">
          {shown.map((a) => (
            <DecidedCard key={a.id} approval={a} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DecidedCard({ approval: a }: { approval: ApprovalView }) {
  const word = decisionWord(a);
  const scope = a.tool_call?.scope;
  const edited = `${a.tool_call?.edited_input ? ' with edited arguments' : ''}${
    scope === 'task' ? ', for the rest of the task' : scope === 'agent' ? ', always for the agent' : ''
  }`;
  // The decision an address points at is marked, and brought into view once.
  const opened = useBaton((s) => s.openApprovalId === a.id);
  const card = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (opened) card.current?.scrollIntoView({ block: 'nearest' });
  }, [opened]);
  return (
    <li
      ref={card}
      className={`card approval-card decided-card${opened ? ' opened' : ''}`}
      aria-label={`Decision on ${a.task_id}`}
      aria-current={opened || undefined}
    >
      <div className="card-head">
        <RouteLink
          to={{ screen: 'run', runId: a.run_id, taskId: a.task_id }}
          className="card-title"
          title={`Show ${a.task_id} in its run`}
        >
          {a.task_id}
        </RouteLink>
        <ApprovalPill approval={a} />
        <span className={`pill ${a.status === 'approved' ? 'status-done' : 'status-failed'}`}>{word}</span>
      </div>
      <p className="decided-by">
        <strong>
          {word}
          {edited}
        </strong>{' '}
        by {a.actor ?? 'someone'} · <RelativeTime at={a.decided_at} />
      </p>
      {a.comment ? (
        <blockquote className="decided-why" aria-label={`Why ${a.task_id} was ${word.toLowerCase()}`}>
          {a.comment}
        </blockquote>
      ) : (
        <p className="small muted">No comment.</p>
      )}
      <p className="small">Asked: {a.reason}</p>
      <ApprovalOrigin approval={a} />
    </li>
  );
}
