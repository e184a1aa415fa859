import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { startServe } from './serve-process.ts';

/**
 * A tab left open while `baton serve` is stopped and started again on the same data folder: a
 * screen first opened while the host was down says Baton could not be reached (not the browser's
 * import error), and "Try again" opens it once the host is back.
 */
describe.skipIf(skipE2e)('a screen opened while the host is down', () => {
  let baton: Baton;
  let page: Page;
  let again: Awaited<ReturnType<typeof startServe>> | null = null;

  beforeAll(async () => {
    baton = await launchBaton('host-restart', { width: 1440, height: 900 });
    page = baton.page;
  });
  afterAll(async () => {
    await again?.stop();
    await baton?.close();
  });

  it('says Baton could not be reached, and opens for real on "Try again" after a restart', async () => {
    await page.goto(baton.server.url);
    await page.getByRole('heading', { name: 'No plans yet' }).waitFor();
    const port = Number(new URL(baton.server.url).port);
    await baton.server.stop();
    await page.getByRole('alert').filter({ hasText: 'Lost the connection to Baton' }).waitFor();

    let loads = 0;
    page.on('request', (r) => {
      if (/\/assets\/SpendView-/.test(r.url())) loads += 1;
    });
    await page.getByRole('link', { name: 'Spend', exact: true }).click();
    const crash = page.locator('.crash');
    await crash.waitFor();
    // Fetched once (or twice), not over and over while the error shows.
    expect(loads).toBeLessThan(3);
    expect(await crash.getByRole('heading').textContent()).toBe('The Spend view could not be opened');
    expect(await crash.textContent()).toContain('Baton could not be reached');
    expect(await crash.textContent()).not.toContain('dynamically imported module');
    await page.screenshot({ path: join(shots, 'host-restart-spend-unreached.png') });

    again = await startServe(baton.dataDir, port);
    // The tab takes the restarted host back by itself.
    await page.getByText('Lost the connection to Baton').waitFor({ state: 'detached' });
    await crash.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'Spend', exact: true }).waitFor();
    expect(await crash.count()).toBe(0);
    await page.screenshot({ path: join(shots, 'host-restart-spend-back.png') });
  });
});
