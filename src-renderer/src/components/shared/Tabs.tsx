import type { KeyboardEvent } from 'react';

/**
 * A row of tabs; `value` is the selected one. The ARIA tabs pattern: only the selected tab is
 * in the Tab order, Left/Right move to the previous/next tab (wrapping), Home/End to the first
 * and last, and moving selects.
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
  return (
    <div
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
