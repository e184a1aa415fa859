import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { startServe } from './serve-process.ts';

/**
 * `baton serve` stopped and started again on the same port, as a user restarting it does:
 * the new launch has a new token, so the token an open tab keeps is no longer valid.
 */
describe.skipIf(skipE2e)('a tab outliving its `baton serve`', () => {
  let baton: Baton;
  let page: Page;
  let restarted: Awaited<ReturnType<typeof startServe>> | undefined;

  beforeAll(async () => {
    baton = await launchBaton('session');
    page = baton.page;
  });
  afterAll(async () => {
    await restarted?.stop();
    await baton?.close();
  });

  it('says it is reconnecting while the host is gone', async () => {
    await page.goto(baton.server.url);
    await expect.poll(() => page.getByRole('heading', { name: 'No plans yet' }).isVisible()).toBe(true);
    expect(await page.getByRole('main').getByRole('alert').count()).toBe(0);
    await baton.server.stop();
    const alert = page.getByRole('main').getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Lost the connection to Baton. Reconnecting…');
  });

  it('stops retrying once a new launch refuses the old token, and says what to do', async () => {
    const port = Number(new URL(baton.server.url).port);
    restarted = await startServe(baton.dataDir, port);
    expect(new URL(restarted.url).port).toBe(String(port));
    const alert = page.getByRole('main').getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toContain('This Baton session has ended (the host was restarted or the link is old)');
    expect(await alert.textContent()).toContain('Open the address baton serve printed.');
    expect(await page.getByRole('img', { name: 'Connection ended' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, 'session-ended.png') });
    // No more attempts: the tab makes no requests once it knows.
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.waitForTimeout(6_000);
    expect(requests).toEqual([]);
  });

  it('answers a reload with a readable page, and the new address opens the app', async () => {
    await page.getByRole('button', { name: 'Reload this tab' }).click();
    // The page loads (it holds no data); the old token it kept is refused, and it says so.
    await expect
      .poll(() => page.getByRole('heading', { name: 'This Baton session has ended' }).isVisible())
      .toBe(true);
    expect(await page.textContent('body')).toContain('Open the address baton serve printed');
    await page.screenshot({ path: join(shots, 'session-ended-page.png') });

    await page.goto(restarted!.url);
    await expect.poll(() => page.getByRole('heading', { name: 'No plans yet' }).isVisible()).toBe(true);
    expect(await page.getByRole('img', { name: 'Connection open' }).isVisible()).toBe(true);
    expect(await page.getByRole('main').getByRole('alert').count()).toBe(0);
  });
});
