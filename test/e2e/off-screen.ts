import type { Page } from 'playwright-core';

/** The controls past the screen's edges, outside any part that scrolls sideways by itself. */
export function controlsOffScreen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const off: string[] = [];
    for (const el of document.querySelectorAll('input, select, textarea, button, a[href], [role="tab"]')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      // A part that scrolls sideways by itself (a wide table); a whole screen that does is the fault.
      let scroller = false;
      for (let up = el.parentElement; up && !scroller; up = up.parentElement) {
        const x = getComputedStyle(up).overflowX;
        scroller =
          !up.classList.contains('page') &&
          (x === 'auto' || x === 'scroll') &&
          up.scrollWidth > up.clientWidth;
      }
      // A row of tabs may scroll sideways, but the open tab is shown, and the row is as tall as it.
      const row = el.closest('[role="tablist"]');
      if (row && row.getBoundingClientRect().height + 0.5 < box.height)
        off.push(`${el.textContent} (row cut)`);
      if (scroller && el.getAttribute('aria-selected') !== 'true') continue;
      if (box.left < -0.5 || box.right > width + 0.5) {
        const name = el.getAttribute('aria-label') || el.textContent?.trim() || el.tagName;
        off.push(`${name.slice(0, 40)} (${Math.round(box.left)}–${Math.round(box.right)})`);
      }
    }
    return off;
  });
}
