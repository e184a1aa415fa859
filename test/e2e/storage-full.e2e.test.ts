import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { serveApp } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import { chromiumFound, shots, skipE2e } from './harness.ts';

/**
 * The disk fills while the UI is open. The host runs in this process so the test can make its
 * real database full (SQLite's max_page_count: SQLITE_FULL, as on a full disk).
 */
describe.skipIf(skipE2e)('browser mode on a full disk', () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = mkdtempSync(join(tmpdir(), 'baton-full-e2e-'));
    ({ app, host } = await serveApp(dir));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a banner naming the data directory to free, until dismissed', async () => {
    await page.goto(host.openUrl);
    await expect.poll(() => page.getByRole('heading', { name: 'No plans yet' }).isVisible()).toBe(true);
    const db = app.store.db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
    const file = join(dir, 'big-plan.json');
    const tasks = Array.from({ length: 50 }, (_, i) => ({
      task_id: `t${i}`,
      description: 'x'.repeat(2_000),
    }));
    writeFileSync(file, JSON.stringify({ plan_id: 'big', tasks }));
    await page.getByLabel('Plan file', { exact: true }).setInputFiles(file);
    const banner = page.getByRole('alert', { name: 'Disk full' });
    await expect.poll(() => banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toContain('The disk is full: Baton could not save.');
    expect(await banner.textContent()).toContain(
      `Free some space on the disk that holds Baton's data (${dir})`,
    );
    await page.screenshot({ path: join(shots, 'storage-full.png') });
    await banner.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => banner.count()).toBe(0);
  });
});
