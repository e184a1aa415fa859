import type { RefObject } from 'react';
import { useEffect, useRef } from 'react';

/** An approval to bring into view: each press or opened address a new one, even of the same approval. */
export interface DetailToShow {
  id: string;
}

/** What the person does that says they are reading where they want to: the page stops following. */
const THEIR_OWN = ['wheel', 'touchstart', 'pointerdown', 'keydown'] as const;

/**
 * A narrow inbox puts the list above the approval's detail (inbox-split.css): there the approval
 * an address opened (a notification's link, on a phone) or a row pressed is brought to the top of
 * the view, where it is read and answered, and not left below the list. Its diff comes after it
 * shows and makes it taller, so it is brought there again as it grows, until the person scrolls,
 * touches or types, or another approval is current. Beside the list (a wide inbox) nothing moves.
 */
export function useDetailInView(
  pane: RefObject<HTMLElement | null>,
  list: RefObject<HTMLElement | null>,
  show: DetailToShow | null,
  current: string | null,
): void {
  const done = useRef<DetailToShow | null>(null);
  useEffect(() => {
    const box = pane.current;
    if (show === null || show.id !== current || done.current === show || !box) return;
    done.current = show;
    const bring = () => {
      const detail = box.querySelector<HTMLElement>(`[data-approval="${CSS.escape(show.id)}"]`);
      const rows = list.current;
      if (!detail || !rows) return;
      // Beside the list, the detail starts level with it, above the list's end.
      if (detail.getBoundingClientRect().top < rows.getBoundingClientRect().bottom) return;
      detail.scrollIntoView({ block: 'start', behavior: 'instant' });
    };
    bring();
    const grows = new ResizeObserver(bring);
    grows.observe(box);
    const stop = () => {
      grows.disconnect();
      for (const e of THEIR_OWN) window.removeEventListener(e, stop, { capture: true });
    };
    for (const e of THEIR_OWN) window.addEventListener(e, stop, { capture: true, passive: true });
    return stop;
  }, [pane, list, show, current]);
}
