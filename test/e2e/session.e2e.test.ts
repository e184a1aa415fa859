import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { startServe } from './serve-process.ts';

/**
 * `baton serve` stopped and started again on the same port, as a user restarting it does: the
 * token is kept in the data directory, so an open tab goes on by itself; only a token a person
 * asked to replace (`--new-token`) ends the tabs opened with the old link, and they say how.
 */
describe.skipIf(skipE2e)('a tab outliving its `baton serve`', () => {
  let baton: Baton;
  let page: Page;
  let restarted: Awaited<ReturnType<typeof startServe>> | undefined;
  let port: number;

  beforeAll(async () => {
    baton = await launchBaton('session');
    page = baton.page;
    port = Number(new URL(baton.server.url).port);
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

  it('goes on by itself when the host is back: a restart keeps the token (0600 in the data directory)', async () => {
    restarted = await startServe(baton.dataDir, port);
    expect(restarted.url).toBe(baton.server.url);
    expect(statSync(join(baton.dataDir, 'ui-token')).mode & 0o777).toBe(0o600);
    await expect.poll(() => page.getByRole('img', { name: 'Connection open' }).isVisible()).toBe(true);
    expect(await page.getByRole('main').getByRole('alert').count()).toBe(0);
    // The tab works: what is made now shows in it.
    await baton.rpc('plans.import', {
      plan: { plan_id: 'after-restart', name: 'After restart', tasks: [{ task_id: 'a', description: 'A' }] },
    });
    await expect
      .poll(() =>
        page
          .getByRole('list', { name: 'Plans' })
          .getByRole('link', { name: /After restart/ })
          .count(),
      )
      .toBe(1);
  });

  it('ends the tab once a person asked for a new token, and says what to do', async () => {
    await restarted!.stop();
    restarted = await startServe(baton.dataDir, port, ['--new-token']);
    expect(restarted.url).not.toBe(baton.server.url);
    await expect.poll(() => restarted!.stderr()).toContain('A new access token');
    const alert = page.getByRole('main').getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('This Baton session has ended');
    expect(await alert.textContent()).toContain('baton serve --new-token');
    expect(await page.getByRole('img', { name: 'Connection ended' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, 'session-ended.png') });
    // No more attempts: the tab makes no requests once it knows.
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.waitForTimeout(6_000);
    expect(requests).toEqual([]);
  });

  it('answers a reload with a page that says how, and the new address opens the app', async () => {
    await page.getByRole('button', { name: 'Reload this tab' }).click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'This Baton session has ended' }).isVisible())
      .toBe(true);
    const text = await page.textContent('body');
    expect(text).toContain('baton serve --new-token');
    expect(text).toContain('A restart alone keeps the token');
    expect(text).toContain('server.json');
    await page.screenshot({ path: join(shots, 'session-ended-page.png') });

    await page.goto(restarted!.url);
    await expect
      .poll(() =>
        page
          .getByRole('list', { name: 'Plans' })
          .getByRole('link', { name: /After restart/ })
          .count(),
      )
      .toBe(1);
    expect(await page.getByRole('img', { name: 'Connection open' }).isVisible()).toBe(true);
    expect(await page.getByRole('main').getByRole('alert').count()).toBe(0);
  });
});
