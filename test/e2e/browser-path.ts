import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { readOnClose, watchBrowser } from './page-record.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium, else a browser Playwright installed itself. */
export function findChromium(): { path: string } | { missing: string } {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // Playwright has no browser of its own here
  }
  for (const c of candidates) if (c && existsSync(c)) return { path: c };
  return {
    missing:
      'No Chromium found: set CHROMIUM_PATH, or install it (Debian: `apt-get install -y chromium`). The e2e tests need a real browser.',
  };
}

/**
 * How long a browser step may wait for the state it needs (an element to act on, a navigation)
 * before it fails. A cap, not a wait: a step goes on as soon as its state is there. Playwright's
 * own 30 s is passed on a machine under load (a page opened in a new context, its bundle parsed
 * while other processes take both cores), which is not what a test checks.
 */
export const BROWSER_STEP_TIMEOUT_MS = 90_000;

/**
 * Chromium for a test or a screenshot script: Debian's (or CHROMIUM_PATH), with every page and
 * context it opens waiting up to BROWSER_STEP_TIMEOUT_MS for what it needs.
 */
export async function launchChromium(): Promise<Browser> {
  const found = findChromium();
  if ('missing' in found) throw new Error(found.missing);
  const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
  watchBrowser(browser);
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(BROWSER_STEP_TIMEOUT_MS);
    readOnClose(context);
    return context;
  };
  browser.newPage = async (options) => {
    const page = await newPage(options);
    page.setDefaultTimeout(BROWSER_STEP_TIMEOUT_MS);
    return page;
  };
  return browser;
}
