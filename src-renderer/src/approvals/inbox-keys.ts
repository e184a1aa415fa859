/**
 * The inbox's keys: a reviewer clears the queue without the mouse. Each key does what the
 * current card's own control does (its Approve, Reject, review comment…), so a key and a click
 * are one path: the identity asked first, a reject confirmed, the focus moved on.
 */

/** What a key does in the inbox. */
export type InboxAction =
  | 'next'
  | 'previous'
  | 'approve'
  | 'reject'
  | 'changes'
  | 'comment'
  | 'open'
  | 'since'
  | 'select'
  | 'undo';

/** A key of the inbox: what is pressed, what it does, in words for the keys dialog. */
export interface InboxKey {
  key: string;
  action: InboxAction;
  what: string;
}

/** Every inbox key, in the order the keys dialog lists them. */
export const INBOX_KEYS: readonly InboxKey[] = [
  { key: 'j', action: 'next', what: 'Next approval' },
  { key: 'k', action: 'previous', what: 'Previous approval' },
  { key: 'a', action: 'approve', what: 'Approve (Allow a tool call or host, Resolved for a merge)' },
  {
    key: 'r',
    action: 'changes',
    what: 'Request changes to a diff: write the review, then Ctrl+Enter (⌘+Enter) sends it',
  },
  {
    key: 'x',
    action: 'reject',
    what: 'Reject (Deny), after a question: Enter keeps it waiting, Tab then Enter rejects',
  },
  { key: 'c', action: 'comment', what: 'Write a comment on it (Esc leaves the field)' },
  {
    key: 's',
    action: 'since',
    what: 'A diff review: only the changes since your last review, or the whole diff again',
  },
  { key: 'o', action: 'open', what: 'Open its task in its run' },
  {
    key: 'v',
    action: 'select',
    what: 'Pick it to decide with others: then a approves and x rejects every one picked',
  },
  { key: 'z', action: 'undo', what: 'Undo the last decision, while it waits to be sent (5 s)' },
];

const BY_KEY = new Map(INBOX_KEYS.map((k) => [k.key, k.action]));

/** The inbox action a key press asks for: a plain letter (no Ctrl, ⌘ or Alt), else null. */
export function inboxActionOf(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>,
): InboxAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  return BY_KEY.get(e.key) ?? null;
}

/** Where the cursor goes: `by` steps along `ids` from `current`, kept within the list (null when it is empty). */
export function moved(ids: readonly string[], current: string | null, by: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  if (at === -1) return by === 1 ? ids[0]! : ids[ids.length - 1]!;
  return ids[Math.min(ids.length - 1, Math.max(0, at + by))]!;
}

/**
 * The card the cursor is on: the one it was put on while it is still listed, else the one that
 * took its place (a decided card leaves; the next one is current), else the first.
 */
export function cursorOf(
  ids: readonly string[],
  cursor: { id: string; index: number } | null,
): string | null {
  if (ids.length === 0) return null;
  if (cursor === null) return ids[0]!;
  if (ids.includes(cursor.id)) return cursor.id;
  return ids[Math.min(cursor.index, ids.length - 1)]!;
}
