import { useEffect, useRef } from 'react';
import type { InboxAction } from '../../approvals/inbox-keys.ts';
import { inboxActionOf, moved } from '../../approvals/inbox-keys.ts';
import { useBaton } from '../../store/index.ts';
import { isTyping } from '../shared/typing.ts';

/** A modal dialog is open (a question, the palette): keys are its own. */
const dialogOpen = () => document.querySelector('dialog[open], [role="dialog"][data-state="open"]') !== null;

/** The row of an approval in the list. */
const rowOf = (list: HTMLElement | null, id: string) =>
  list?.querySelector<HTMLElement>(`:scope > li[data-approval="${CSS.escape(id)}"]`) ?? null;

/** The approval in full beside the list, when it is the one of `id`. */
const detailOf = (pane: HTMLElement | null, id: string) =>
  pane?.querySelector<HTMLElement>(`[data-approval="${CSS.escape(id)}"]`) ?? null;

/** Brings the approval just made current into view: its row, and the top of its detail. */
function reveal(row: HTMLElement | null, detail: HTMLElement | null) {
  row?.scrollIntoView({ block: 'nearest', behavior: 'instant' });
  if (detail && detail.getBoundingClientRect().top < 0)
    detail.scrollIntoView({ block: 'start', behavior: 'instant' });
}

/**
 * The inbox's keys on the queue shown: j/k move the current approval (its row focused, both
 * brought into view), the others press the current approval's own control in the detail
 * (`data-inbox` on it: its Approve, its Reject, its review comment…), so a key does what a click
 * does. With approvals picked (v), a and x press the bulk bar's Approve N and Reject N. z undoes
 * the last decision while it waits to be sent. A key typed in a field, or while a dialog is open,
 * is left alone; Escape in a field of the queue leaves it, so keys work again.
 */
export function useInboxKeys(opts: {
  ids: readonly string[];
  current: string | null;
  setCurrent(id: string): void;
  list: React.RefObject<HTMLUListElement | null>;
  /** The pane the current approval is shown in, in full. */
  detail: React.RefObject<HTMLElement | null>;
  /** How many approvals are picked for a bulk decision. */
  picked: number;
}) {
  const notify = useBaton((s) => s.notify);
  const undo = useBaton((s) => s.undoDecision);
  // The latest of what the handler reads, without adding and removing it at each render.
  const live = useRef(opts);
  live.current = opts;
  useEffect(() => {
    const act = (action: InboxAction): boolean => {
      const { ids, current, setCurrent, list, detail, picked } = live.current;
      if (action === 'undo') {
        if (useBaton.getState().held.length === 0) return false;
        undo();
        return true;
      }
      if (action === 'next' || action === 'previous') {
        const to = moved(ids, current, action === 'next' ? 1 : -1);
        if (to === null) return false;
        setCurrent(to);
        const row = rowOf(list.current, to);
        row?.querySelector<HTMLElement>('[data-inbox="row"]')?.focus({ preventScroll: true });
        // The detail is drawn for the new one after this render.
        requestAnimationFrame(() => reveal(row, detailOf(detail.current, to)));
        return true;
      }
      if (picked > 0 && (action === 'approve' || action === 'reject')) {
        const bulk = document.querySelector<HTMLElement>(`[data-inbox="bulk-${action}"]`);
        if (bulk && !(bulk instanceof HTMLButtonElement && bulk.disabled)) {
          bulk.click();
          return true;
        }
      }
      if (current === null) return false;
      const scope = action === 'select' ? rowOf(list.current, current) : detailOf(detail.current, current);
      const control = scope?.querySelector<HTMLElement>(`[data-inbox="${action}"]`);
      // Its review is still being opened: the key does nothing yet, and says nothing wrong.
      if (!control && scope?.querySelector('[data-loading]')) return true;
      if (!control || (control instanceof HTMLButtonElement && control.disabled)) {
        if (action === 'changes')
          notify('info', 'Request changes is for a diff review: x rejects, c comments');
        else if (action === 'since')
          notify('info', 'Only a diff review asked again after a request for changes has changes since');
        else if (action === 'select')
          notify('info', 'Two or more gates (approvals, budgets, escalations) are decided together');
        return true;
      }
      if (control instanceof HTMLTextAreaElement || control instanceof HTMLInputElement) {
        if (control.type === 'checkbox') control.click();
        else {
          control.scrollIntoView({ block: 'nearest', behavior: 'instant' });
          control.focus();
        }
      } else control.click();
      return true;
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || dialogOpen()) return;
      if (isTyping(e.target)) {
        // Escape leaves a field of the queue (its comment), back to the card and its keys.
        const { list, detail, current } = live.current;
        const inQueue =
          e.target instanceof HTMLElement &&
          (list.current?.contains(e.target) || detail.current?.contains(e.target));
        if (e.key === 'Escape' && inQueue && e.target instanceof HTMLElement) {
          e.target.blur();
          if (current) rowOf(list.current, current)?.focus({ preventScroll: true });
        }
        return;
      }
      const action = inboxActionOf(e);
      if (action && act(action)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [notify, undo]);
}
