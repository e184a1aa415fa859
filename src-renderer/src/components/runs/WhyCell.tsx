import { useLayoutEffect, useRef, useState } from 'react';

/**
 * Why a task is where it is, in the task table: two lines. When that cuts it, the text is a
 * button (its name is the whole text, which is also its tooltip): pressing it shows the text
 * whole, the row growing to hold it, and pressing it again folds it.
 */
export function WhyCell({
  taskId,
  text,
  open,
  onToggle,
}: {
  taskId: string;
  text: string;
  /** Shown whole. */
  open: boolean;
  onToggle: () => void;
}) {
  const box = useRef<HTMLElement>(null);
  const [cut, setCut] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another text may be cut where this one was not
  useLayoutEffect(() => {
    const el = box.current;
    if (el && !open) setCut(el.scrollHeight > el.clientHeight + 1);
  }, [text, open]);
  return (
    <td className="small why">
      {cut || open ? (
        <button
          type="button"
          ref={(el) => {
            box.current = el;
          }}
          className={`why-text${open ? ' open' : ''}`}
          aria-expanded={open}
          aria-description={open ? `Fold why ${taskId}` : `Show all of why ${taskId}`}
          title={open ? undefined : text}
          onClick={onToggle}
        >
          {text}
        </button>
      ) : (
        <span
          ref={(el) => {
            box.current = el;
          }}
          className="why-text"
        >
          {text}
        </span>
      )}
    </td>
  );
}
