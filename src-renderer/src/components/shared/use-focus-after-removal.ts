import { useEffect, useRef } from 'react';

/**
 * A card that leaves its list (an approval decided, a task completed) would take the focus with
 * it: the focus goes to the card that took its place (the next, else the one before), or to the
 * heading when none is left.
 */
export function useFocusAfterRemoval(ids: string[]) {
  const heading = useRef<HTMLHeadingElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const removed = useRef<{ id: string; index: number } | null>(null);
  useEffect(() => {
    const d = removed.current;
    if (!d || ids.includes(d.id)) return;
    removed.current = null;
    // Only when the focus went with the card, not when the person has moved on meanwhile.
    if (document.activeElement && document.activeElement !== document.body) return;
    const cards = list.current?.querySelectorAll<HTMLElement>(':scope > li') ?? [];
    (cards[Math.min(d.index, cards.length - 1)] ?? heading.current)?.focus();
  }, [ids]);
  const removing = (id: string) => {
    removed.current = { id, index: ids.indexOf(id) };
  };
  return { heading, list, removing };
}
