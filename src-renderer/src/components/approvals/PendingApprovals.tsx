import { useEffect, useMemo, useRef, useState } from 'react';
import { mayDecide } from '../../../../src-shared/schemas/people.ts';
import { filtersApprovals, matchesApproval, sortApprovals } from '../../approvals/approval-filter.ts';
import { APPROVAL_KINDS } from '../../approvals/approval-kinds.ts';
import { cursorOf } from '../../approvals/inbox-keys.ts';
import { APPROVAL_SORTS } from '../../store/approval-history.ts';
import { useBaton } from '../../store/index.ts';
import { useFocusAfterRemoval } from '../shared/use-focus-after-removal.ts';
import { ApprovalCard, preloadReviews } from './ApprovalCard.tsx';
import { ApprovalFilters } from './ApprovalFilters.tsx';
import { ApprovalRow } from './ApprovalRow.tsx';
import { BulkDecision, BulkOutcome } from './BulkDecision.tsx';
import { KeysHint } from './KeysHint.tsx';
import type { DetailToShow } from './use-detail-in-view.ts';
import { useDetailInView } from './use-detail-in-view.ts';
import { useInboxKeys } from './use-inbox-keys.ts';

/** The orders of the queue, in words. */
const SORT_WORDS = {
  blocking: 'unblocks the most first',
  oldest: 'oldest first',
  newest: 'newest first',
} as const;

/**
 * What waits for a decision, as Linear's inbox: the filters and the order, the bulk bar, the list
 * of approvals (one row each) and beside it the current one in full, where it is answered. The
 * keys act on the current one (j/k move it; a, r, x…: `use-inbox-keys.ts`).
 */
export function PendingApprovals() {
  const pending = useBaton((s) => s.pending);
  const filter = useBaton((s) => s.approvalFilter);
  const setFilter = useBaton((s) => s.setApprovalFilter);
  const sort = useBaton((s) => s.approvalSort);
  const setSort = useBaton((s) => s.setApprovalSort);
  const opened = useBaton((s) => s.openApprovalId);
  const outcome = useBaton((s) => s.bulkOutcome);
  const setOutcome = useBaton((s) => s.setBulkOutcome);
  const shown = useMemo(
    () =>
      sortApprovals(
        pending.filter((a) => matchesApproval(a, filter)),
        sort,
      ),
    [pending, filter, sort],
  );
  const filtered = filtersApprovals(filter);
  const ids = useMemo(() => shown.map((a) => a.id), [shown]);
  const focus = useFocusAfterRemoval(ids);
  const detail = useRef<HTMLDivElement>(null);
  // The approval the keys act on: the one an address opened, then wherever j/k or a click put it.
  const [cursor, setCursor] = useState<{ id: string; index: number } | null>(null);
  // Where the list stands above the detail (a phone), the approval opened or pressed is shown.
  const [toShow, setToShow] = useState<DetailToShow | null>(null);
  useEffect(() => {
    if (opened) {
      setCursor(null);
      setToShow({ id: opened });
    }
  }, [opened]);
  // An undone decision's approval is current again, its row focused (as it was when decided).
  const undone = useBaton((s) => s.undone);
  useEffect(() => {
    const id = undone?.ids[0];
    if (!id) return;
    setCursor({ id, index: 0 });
    focus.list.current
      ?.querySelector<HTMLElement>(`:scope > li[data-approval="${CSS.escape(id)}"] [data-inbox="row"]`)
      ?.focus({ preventScroll: true });
  }, [undone, focus.list]);
  const current = cursorOf(ids, cursor ?? (opened ? { id: opened, index: 0 } : null));
  const setCurrent = (id: string) => setCursor({ id, index: ids.indexOf(id) });
  const eligible = useMemo(() => shown.filter((a) => APPROVAL_KINDS[a.kind].bulk), [shown]);
  // Deciding together takes two or more gates: one is decided as itself.
  const bulk = eligible.length > 1;
  const [picked, setPicked] = useState<Set<string>>(new Set());
  // What was picked and has gone (decided elsewhere, filtered out) is no longer picked.
  const selected = useMemo(
    () => new Set(eligible.filter((a) => picked.has(a.id)).map((a) => a.id)),
    [eligible, picked],
  );
  useInboxKeys({ ids, current, setCurrent, list: focus.list, detail, picked: selected.size });
  useDetailInView(detail, focus.list, toShow, current);
  const pick = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setPicked(next);
  };
  const deciding = (id: string) => {
    // The approval that takes its place is current (as the focus goes to it).
    setCursor({ id, index: ids.indexOf(id) });
    focus.removing(id);
  };
  const currentApproval = shown.find((a) => a.id === current);
  // The keys offered are the ones this person may use on it, as its card's controls are.
  const me = useBaton((s) => s.me);
  const yours =
    me && currentApproval
      ? mayDecide(currentApproval.deciders, { name: me.person?.name ?? null, role: me.role })
      : me?.role === 'viewer'
        ? mayDecide({}, { name: me.person?.name ?? null, role: me.role })
        : { ok: true as const };
  // A diff's viewer loads once (the module is kept): asked again as the list changes costs nothing.
  useEffect(() => preloadReviews(new Set(pending.map((a) => a.kind))), [pending]);
  return (
    <section className="inbox" aria-label="Pending approvals">
      <h2 ref={focus.heading} tabIndex={-1}>
        Waiting for a decision ({filtered ? `${shown.length} of ${pending.length}` : pending.length})
      </h2>
      {(pending.length > 0 || filtered) && (
        <>
          <div className="inbox-tools">
            <ApprovalFilters pending={pending} />
          </div>
          <div className="queue-bar">
            {shown.length > 0 && (
              <KeysHint
                position={current === null ? 0 : ids.indexOf(current) + 1}
                total={ids.length}
                picked={selected.size}
                deciding={yours}
              />
            )}
            <label className="small sort-order">
              Order
              <select
                value={sort}
                onChange={(e) => setSort(APPROVAL_SORTS.find((s) => s === e.target.value) ?? 'blocking')}
              >
                {APPROVAL_SORTS.map((s) => (
                  <option key={s} value={s}>
                    {SORT_WORDS[s]}
                  </option>
                ))}
              </select>
            </label>
          </div>
        </>
      )}
      {outcome && <BulkOutcome result={outcome} onClose={() => setOutcome(null)} />}
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
        <div className="inbox-split">
          <div className="inbox-queue">
            {bulk && <BulkDecision eligible={eligible} selected={selected} onSelect={setPicked} />}
            <ul className="approval-list" aria-label="Approvals waiting" ref={focus.list}>
              {shown.map((a) => (
                <ApprovalRow
                  key={a.id}
                  approval={a}
                  current={a.id === current}
                  onCurrent={setCurrent}
                  onPress={(id) => setToShow({ id })}
                  aligned={bulk}
                  selection={
                    bulk && APPROVAL_KINDS[a.kind].bulk
                      ? { selected: selected.has(a.id), onSelect: (on) => pick(a.id, on) }
                      : undefined
                  }
                />
              ))}
            </ul>
          </div>
          <div className="approval-detail-pane" ref={detail}>
            {currentApproval && (
              <ApprovalCard key={currentApproval.id} approval={currentApproval} onDeciding={deciding} />
            )}
          </div>
        </div>
      )}
    </section>
  );
}
