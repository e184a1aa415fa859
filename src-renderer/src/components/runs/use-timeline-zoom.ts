import type { PointerEvent, RefObject } from 'react';
import { useEffect, useRef, useState } from 'react';
import { brushed, shownPart, type TimeWindow, zoomAt } from './timeline-zoom.ts';

/** How far one turn of the wheel zooms. */
const WHEEL_STEP = 1.25;
/** A drag shorter than this, in pixels, is a click, not a range. */
const MIN_DRAG_PX = 4;

/**
 * The zoom of a run's timeline: the part of the axis shown (all of it until zoomed), zoomed by
 * buttons, by Ctrl (or ⌘) and the wheel over the rows around the pointer, and to the range
 * dragged across the axis (the brush, drawn while dragging). Another run shows all of its own.
 */
export function useTimelineZoom(
  runId: string,
  span: number,
  /** The axis's ticks, as wide as the tracks: where a pointer's x is read as a time. */
  ticks: RefObject<HTMLElement | null>,
  /** The rows, where Ctrl and the wheel zoom. */
  rows: RefObject<HTMLElement | null>,
) {
  const [view, setView] = useState<TimeWindow>(null);
  const [brush, setBrush] = useState<{ a: number; b: number; x0: number } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run starts unzoomed
  useEffect(() => {
    setView(null);
    setBrush(null);
  }, [runId]);
  const part = shownPart(view, span);
  /** The time under a pointer at `clientX`, inside the part shown. */
  const msAt = (clientX: number) => {
    const box = ticks.current?.getBoundingClientRect();
    if (!box || box.width === 0) return part.from;
    const share = Math.min(1, Math.max(0, (clientX - box.left) / box.width));
    return part.from + share * (part.to - part.from);
  };
  // The wheel listener is added once; it reads the newest span and part through this ref.
  const latest = useRef({ span, msAt });
  latest.current = { span, msAt };
  useEffect(() => {
    const el = rows.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      const { span, msAt } = latest.current;
      const at = msAt(e.clientX);
      setView((v) => zoomAt(v, e.deltaY < 0 ? 1 / WHEEL_STEP : WHEEL_STEP, at, span));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [rows]);
  const center = (part.from + part.to) / 2;
  return {
    view,
    part,
    brush:
      brush && Math.abs(brush.b - brush.a) > 0
        ? { from: Math.min(brush.a, brush.b), to: Math.max(brush.a, brush.b) }
        : null,
    zoomIn: () => setView((v) => zoomAt(v, 0.5, center, span)),
    zoomOut: () => setView((v) => zoomAt(v, 2, center, span)),
    reset: () => setView(null),
    /** The axis's pointer handlers: a drag across it zooms to the range. */
    axis: {
      onPointerDown(e: PointerEvent<HTMLElement>) {
        if (e.button !== 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        const at = msAt(e.clientX);
        setBrush({ a: at, b: at, x0: e.clientX });
      },
      onPointerMove(e: PointerEvent<HTMLElement>) {
        if (brush) setBrush({ ...brush, b: msAt(e.clientX) });
      },
      onPointerUp(e: PointerEvent<HTMLElement>) {
        if (brush && Math.abs(e.clientX - brush.x0) >= MIN_DRAG_PX) {
          setView(brushed(brush.a, msAt(e.clientX), span));
        }
        setBrush(null);
      },
      onPointerCancel() {
        setBrush(null);
      },
    },
  };
}
