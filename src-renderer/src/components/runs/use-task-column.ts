import type { RefObject } from 'react';
import { useLayoutEffect, useState } from 'react';
import { measurer, TASK_COLUMN_CHARS, taskColumnWidth } from './task-column.ts';

/** The Task column's width by count (1.1 letters' worth a character), until it is measured. */
export const estimateChars = (ids: readonly string[]): number =>
  Math.min(TASK_COLUMN_CHARS.max, Math.max(TASK_COLUMN_CHARS.min, ...ids.map((id) => id.length)));

/**
 * The run's Task column width in pixels, measured in the font an id is drawn in (an id's button
 * in `table`), again once the page's fonts are in; null until then.
 */
export function useTaskColumnWidth(
  ids: readonly string[],
  table: RefObject<HTMLElement | null>,
): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useLayoutEffect(() => {
    let live = true;
    const measure = () => {
      const cell = table.current?.querySelector<HTMLElement>('.task-cell-id button');
      if (!cell || !live) return;
      const style = getComputedStyle(cell);
      const text = measurer(style.font);
      if (!text) return;
      const pad =
        (Number.parseFloat(style.paddingLeft) || 0) + (Number.parseFloat(style.paddingRight) || 0) + 2;
      setWidth(taskColumnWidth(ids, text, pad));
    };
    measure();
    void document.fonts?.ready.then(measure);
    return () => {
      live = false;
    };
  }, [ids, table]);
  return width;
}
