import type { Browser, Page } from 'playwright-core';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { serveHost } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import { chromiumFound } from './harness.ts';

/** The Approvals screen of an app, in Chromium, as a person who said who they are. */
export interface InboxPage {
  page: Page;
  /** Every text frame the page sent on its socket (what a decision sent, and what it did not). */
  sent: string[];
  /** Closes the browser and the host (the app is the caller's). */
  close(): Promise<void>;
}

/**
 * Serves `app` on 127.0.0.1 (browser mode), opens it at 1440×1000 as `name` and goes to
 * Approvals: what the inbox e2e files (a diff review, a tool call, a merge conflict) start from.
 */
export async function openInbox(app: BatonApp, dataDir: string, name = 'Ana'): Promise<InboxPage> {
  if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
  let host: BrowserHost | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await host?.close();
  };
  try {
    host = await serveHost(app, dataDir);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const sent: string[] = [];
    page.on('websocket', (ws) =>
      ws.on('framesent', (f) => typeof f.payload === 'string' && sent.push(f.payload)),
    );
    await page.addInitScript(
      (who) => localStorage.setItem('baton.identity', JSON.stringify({ name: who, agentId: null })),
      name,
    );
    await page.goto(host.openUrl);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: /^Approvals/ })
      .click();
    return { page, sent, close };
  } catch (err) {
    await close();
    throw err;
  }
}
