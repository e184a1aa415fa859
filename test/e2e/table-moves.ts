import type { BrowserContext, Page } from 'playwright-core';

/**
 * Watches, in every page of `context` from its first paint, the vertical moves of the table named
 * `table` (`aria-label`) that the browser reports as layout shifts: a click aimed at a row while
 * it moves lands elsewhere. A column widening moves cells sideways only, which is not counted.
 */
export async function watchTableMoves(context: BrowserContext, table: string): Promise<void> {
  await context.addInitScript((name) => {
    const moved: string[] = [];
    (window as unknown as { tableMoved: string[] }).tableMoved = moved;
    type Source = { node?: Node; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { sources?: Source[] }[])
        for (const src of e.sources ?? [])
          if (
            src.node instanceof Element &&
            src.node.closest(`table[aria-label="${name}"]`) &&
            src.previousRect.y !== src.currentRect.y
          )
            moved.push(`${src.node.outerHTML.slice(0, 80)} ${src.previousRect.y} → ${src.currentRect.y}`);
    }).observe({ type: 'layout-shift', buffered: true });
  }, table);
}

/** The moves seen so far in `page` (each "<element> y → y"), once the browser has reported them (the frame after). */
export async function tableMoves(page: Page): Promise<string[]> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => (window as unknown as { tableMoved: string[] }).tableMoved);
}
