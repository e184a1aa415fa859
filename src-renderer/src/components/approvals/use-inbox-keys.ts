import { useEffect, useRef } from 'react';
import type { InboxAction } from '../../approvals/inbox-keys.ts';
import { inboxActionOf, moved } from '../../approvals/inbox-keys.ts';
import { useBaton } from '../../store/index.ts';
import { isTyping } from '../shared/typing.ts';

/** A modal dialog is open (a question, the palette): keys are its own. */
const dialogOpen = () => document.querySelector('dialog[open], [role="dialog"][data-state="open"]') !== null;

/** The card of an approval in the list. */
const cardOf = (list: HTMLElement | null, id: string) =>
  list?.querySelector<HTMLElement>(`:scope > li[data-approval="${CSS.escape(id)}"]`) ?? null;

/**
 * The inbox's keys on the queue shown: j/k move the current card (focused and brought into view),
 * the others press the current card's own control (`data-inbox` on it: its Approve, its Reject,
 * its review comment…), so a key does what a click does. A key typed in a field, or while a
 * dialog is open, is left alone; Escape in a field of the queue leaves it, so keys work again.
 */
export function useInboxKeys(opts: {
  ids: readonly string[];
  current: string | null;
  setCurrent(id: string): void;
  list: React.RefObject<HTMLUListElement | null>;
}) {
  const notify = useBaton((s) => s.notify);
  // The latest of what the handler reads, without adding and removing it at each render.
  const live = useRef(opts);
  live.current = opts;
  useEffect(() => {
    const act = (action: InboxAction): boolean => {
      const { ids, current, setCurrent, list } = live.current;
      if (action === 'next' || action === 'previous') {
        const to = moved(ids, current, action === 'next' ? 1 : -1);
        if (to === null) return false;
        setCurrent(to);
        const card = cardOf(list.current, to);
        card?.focus({ preventScroll: true });
        card?.scrollIntoView({ block: 'start', behavior: 'instant' });
        return true;
      }
      if (current === null) return false;
      const card = cardOf(list.current, current);
      const control = card?.querySelector<HTMLElement>(`[data-inbox="${action}"]`);
      if (!control || (control instanceof HTMLButtonElement && control.disabled)) {
        if (action === 'changes')
          notify('info', 'Request changes is for a diff review: x rejects, c comments');
        else if (action === 'since')
          notify('info', 'Only a diff review asked again after a request for changes has changes since');
        else if (action === 'select')
          notify('info', 'Only approvals, budgets and escalations are decided together');
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
        const { list, current } = live.current;
        if (e.key === 'Escape' && e.target instanceof HTMLElement && list.current?.contains(e.target)) {
          e.target.blur();
          if (current) cardOf(list.current, current)?.focus({ preventScroll: true });
        }
        return;
      }
      const action = inboxActionOf(e);
      if (action && act(action)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [notify]);
}
