import type { KeyboardEvent } from 'react';
import { useLayoutEffect, useRef } from 'react';

/**
 * A row of tabs; `value` is the selected one. The ARIA tabs pattern: only the selected tab is
 * in the Tab order, Left/Right move to the previous/next tab (wrapping), Home/End to the first
 * and last, and moving selects. A row wider than the screen (a phone) scrolls sideways, the
 * selected tab kept in view.
 */
export function Tabs<T extends string>(props: {
  label: string;
  items: readonly { id: NoInfer<T>; label: string }[];
  value: T;
  onChange(id: NoInfer<T>): void;
  className?: string;
}) {
  const { items } = props;
  // The tab reached with Tab: the selected one, else the first.
  const at = Math.max(
    0,
    items.findIndex((t) => t.id === props.value),
  );
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const to = nextIndex(e.key, at, items.length);
    if (to === null) return;
    e.preventDefault();
    const tab = items[to]!;
    props.onChange(tab.id);
    e.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')[to]?.focus();
  };
  const row = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a newly selected tab is the one to show
  useLayoutEffect(() => {
    const list = row.current;
    if (list) showSelected(list);
  }, [props.value]);
  return (
    <div
      ref={row}
      className={`tabs ${props.className ?? ''}`}
      role="tablist"
      aria-label={props.label}
      onKeyDown={onKeyDown}
    >
      {items.map((t, i) => {
        const selected = props.value === t.id;
        return (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={selected}
            tabIndex={i === at ? 0 : -1}
            className={selected ? 'active' : ''}
            onClick={() => props.onChange(t.id)}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
}

/** Scrolls the row (never the page) so that its selected tab is in view, when the row overflows. */
function showSelected(list: HTMLElement): void {
  if (list.scrollWidth <= list.clientWidth) return;
  const tab = list.querySelector<HTMLElement>('[aria-selected="true"]');
  if (!tab) return;
  const shown = list.getBoundingClientRect();
  const box = tab.getBoundingClientRect();
  if (box.left < shown.left) list.scrollLeft -= shown.left - box.left + 8;
  else if (box.right > shown.right) list.scrollLeft += box.right - shown.right + 8;
}

function nextIndex(key: string, at: number, count: number): number | null {
  switch (key) {
    case 'ArrowRight':
      return (at + 1) % count;
    case 'ArrowLeft':
      return (at - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
