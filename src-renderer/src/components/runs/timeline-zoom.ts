/** The part of a run's time axis shown, in ms from the run's start; null: all of it. */
export type TimeWindow = { from: number; to: number } | null;

/** The narrowest part of the axis a zoom shows, in ms. */
export const MIN_WINDOW_MS = 5;

/** The part shown: the window, or the whole run `span` ms long. */
export const shownPart = (w: TimeWindow, span: number) => w ?? { from: 0, to: span };

/**
 * The window after zooming by `factor` (under 1 zooms in, over 1 out) around `at` ms, which
 * stays where it is on the screen; kept inside the run, never narrower than MIN_WINDOW_MS.
 * Zooming out to the whole run or more shows all of it (null).
 */
export function zoomAt(w: TimeWindow, factor: number, at: number, span: number): TimeWindow {
  const { from, to } = shownPart(w, span);
  const width = Math.max(MIN_WINDOW_MS, (to - from) * factor);
  if (width >= span) return null;
  const anchor = Math.min(Math.max(at, from), to);
  const share = to === from ? 0.5 : (anchor - from) / (to - from);
  return within(anchor - share * width, width, span);
}

/** The window between two instants (in either order) a drag across the axis marked. */
export function brushed(a: number, b: number, span: number): TimeWindow {
  const from = Math.max(0, Math.min(a, b));
  const to = Math.min(span, Math.max(a, b));
  const width = Math.max(MIN_WINDOW_MS, to - from);
  if (width >= span) return null;
  return within(from, width, span);
}

/** A window `width` ms wide starting at `from`, moved back inside 0..span. */
function within(from: number, width: number, span: number): TimeWindow {
  const start = Math.min(Math.max(0, from), span - width);
  return { from: start, to: start + width };
}
