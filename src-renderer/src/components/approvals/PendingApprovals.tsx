import { useMemo, useState } from 'react';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import { filtersApprovals, matchesApproval } from '../../approvals/approval-filter.ts';
import { APPROVAL_KINDS } from '../../approvals/approval-kinds.ts';
import type { ApprovalSort, BulkResult } from '../../store/approval-history.ts';
import { useBaton } from '../../store/index.ts';
import { useFocusAfterRemoval } from '../shared/use-focus-after-removal.ts';
import { ApprovalCard } from './ApprovalCard.tsx';
import { ApprovalFilters } from './ApprovalFilters.tsx';
import { BulkDecision, BulkOutcome } from './BulkDecision.tsx';

/** The approvals in the order asked for: the longest waiting first, or the latest asked first. */
export function sortApprovals(list: readonly ApprovalView[], sort: ApprovalSort): ApprovalView[] {
  const older = (a: ApprovalView, b: ApprovalView) => a.requested_at.localeCompare(b.requested_at);
  return [...list].sort(sort === 'oldest' ? older : (a, b) => older(b, a));
}

/** What waits for a decision: the filters, the order, the bulk bar and one card each. */
export function PendingApprovals() {
  const pending = useBaton((s) => s.pending);
  const filter = useBaton((s) => s.approvalFilter);
  const setFilter = useBaton((s) => s.setApprovalFilter);
  const sort = useBaton((s) => s.approvalSort);
  const setSort = useBaton((s) => s.setApprovalSort);
  const shown = useMemo(
    () =>
      sortApprovals(
        pending.filter((a) => matchesApproval(a, filter)),
        sort,
      ),
    [pending, filter, sort],
  );
  const filtered = filtersApprovals(filter);
  const focus = useFocusAfterRemoval(useMemo(() => shown.map((a) => a.id), [shown]));
  const eligible = useMemo(() => shown.filter((a) => APPROVAL_KINDS[a.kind].bulk), [shown]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<BulkResult | null>(null);
  // What was picked and has gone (decided elsewhere, filtered out) is no longer picked.
  const selected = useMemo(
    () => new Set(eligible.filter((a) => picked.has(a.id)).map((a) => a.id)),
    [eligible, picked],
  );
  const pick = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setPicked(next);
  };
  return (
    <section className="inbox" aria-label="Pending approvals">
      <h2 ref={focus.heading} tabIndex={-1}>
        Waiting for a decision ({filtered ? `${shown.length} of ${pending.length}` : pending.length})
      </h2>
      {(pending.length > 0 || filtered) && (
        <div className="inbox-tools">
          <ApprovalFilters pending={pending} />
          <label className="small sort-order">
            Order
            <select value={sort} onChange={(e) => setSort(e.target.value === 'newest' ? 'newest' : 'oldest')}>
              <option value="oldest">oldest first</option>
              <option value="newest">newest first</option>
            </select>
          </label>
        </div>
      )}
      {outcome && <BulkOutcome result={outcome} onClose={() => setOutcome(null)} />}
      {eligible.length > 0 && (
        <BulkDecision eligible={eligible} selected={selected} onSelect={setPicked} onDecided={setOutcome} />
      )}
      {pending.length === 0 && !filtered ? (
        <p className="muted">
          Nothing waits for a decision. Tasks with “requires approval”, over budget, or escalated by a decider
          appear here.
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
            <ApprovalCard
              key={a.id}
              approval={a}
              onDeciding={focus.removing}
              selection={
                APPROVAL_KINDS[a.kind].bulk
                  ? { selected: selected.has(a.id), onSelect: (on) => pick(a.id, on) }
                  : undefined
              }
            />
          ))}
        </ul>
      )}
    </section>
  );
}
