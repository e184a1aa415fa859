import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * What a failed e2e test's pages showed, printed with its failure: each page's address and its
 * accessibility tree as Playwright reads it (the roles and names the tests look for), and a
 * screenshot in test-results/failed-*.png. A page the test closed in its own `finally` is read as
 * it closes. A failure seen only on a loaded CI machine then says what the screen was.
 *
 * `launchChromium` hands this each browser and context; `on-failure.ts`, the e2e project's setup
 * file (vitest.config.ts), reads them when a test fails. Outside a test (a screenshot script, the
 * bench) nothing is read.
 */

export const browsers = new Set<Browser>();
/** Pages read as their context closed during the current test; null outside a test. */
let closedDuring: string[] | null = null;

/** A test starts: pages closed from now on are read. What was read before is dropped. */
export function startRecording(): void {
  closedDuring = [];
}

/** What was read of the pages closed since the test started. */
export function closedPages(): string[] {
  return [...(closedDuring ?? [])];
}
const SNAPSHOT_CAP = 4_000;

export function watchBrowser(browser: Browser): void {
  browsers.add(browser);
  browser.on('disconnected', () => browsers.delete(browser));
}

/** A context whose `close` first reads its pages (a test's `finally` closes it before a failure is known). */
export function readOnClose(context: BrowserContext): void {
  const close = context.close.bind(context);
  context.close = async (options) => {
    if (closedDuring)
      for (const page of context.pages()) closedDuring.push(await readPage(page, 'closed by the test'));
    return close(options);
  };
}

export async function readPage(page: Page, how: string, shot?: string): Promise<string> {
  // The address without its query (a host's token rides there).
  const at = page.url().replace(/[?#].*$/, '');
  let tree: string;
  try {
    tree = await page.locator('body').ariaSnapshot({ timeout: 5_000 });
  } catch (err) {
    tree = `(not read: ${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  if (shot) await page.screenshot({ path: shot, timeout: 5_000 }).catch(() => undefined);
  const cut =
    tree.length > SNAPSHOT_CAP ? `${tree.slice(0, SNAPSHOT_CAP)}\n… (${tree.length} characters)` : tree;
  return `--- page ${at} (${how})${shot ? `, screenshot ${shot}` : ''}\n${cut}`;
}
