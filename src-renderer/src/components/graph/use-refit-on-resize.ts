import type { ReactFlowInstance, Viewport } from '@xyflow/react';
import type { RefObject } from 'react';
import { useEffect, useRef } from 'react';
import type { Positions } from '../../graph/layout.ts';
import { fittedViewport } from './overview-mode.tsx';

/** Apart by less than this, two viewports are the same: the view has not been moved. */
const SAME = { px: 0.5, zoom: 0.001 };
const same = (a: Viewport, b: Viewport) =>
  Math.abs(a.x - b.x) < SAME.px && Math.abs(a.y - b.y) < SAME.px && Math.abs(a.zoom - b.zoom) < SAME.zoom;

/**
 * A graph shown where it was first fitted follows its box: when the window (or a pane beside it)
 * changes the box's size, it is fitted again for the new size (fittedViewport), so a plan that
 * was whole at 1440 px is not left cut at the right edge at 1024. Once the person has panned or
 * zoomed, their view is theirs and stays.
 */
export function useRefitOnResize(
  box: RefObject<HTMLElement | null>,
  flow: RefObject<Pick<ReactFlowInstance, 'getViewport' | 'setViewport'> | null>,
  /** The view the graph was first shown at (undefined: none was fitted, nothing to follow). */
  start: Viewport | undefined,
  /** Where the tasks are now (read at each resize). */
  positions: () => Positions | undefined,
  /** Fitted whole, however small (fittedViewport's `whole`). */
  whole = false,
  /** The room the zoom buttons take at the left (fittedViewport's `clearLeft`). */
  clearLeft = 0,
) {
  const fitted = useRef<Viewport | undefined>(start);
  const where = useRef(positions);
  where.current = positions;
  useEffect(() => {
    fitted.current = start;
  }, [start]);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let size = { w: el.clientWidth, h: el.clientHeight };
    const observer = new ResizeObserver(() => {
      const now = { w: el.clientWidth, h: el.clientHeight };
      if (now.w === size.w && now.h === size.h) return;
      size = now;
      const view = flow.current;
      const was = fitted.current;
      const at = where.current();
      if (!view || !was || !at || !same(view.getViewport(), was)) return;
      const next = fittedViewport(at, el, whole, clearLeft);
      if (!next) return;
      fitted.current = next;
      void view.setViewport(next);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [box, flow, whole, clearLeft]);
}
