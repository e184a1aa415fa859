import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/**
 * The token belongs to the tabs of the browser that opened the printed link: it is never a
 * cookie (cookies ignore ports, so every other server on 127.0.0.1 would be sent it), the
 * address bar loses it, a new tab gets it from an open Baton tab, and a tab without it says what
 * to open.
 */
describe.skipIf(skipE2e)('browser mode: the access token stays in its tab', () => {
  let baton: Baton;
  let page: Page;
  let base: string;
  let token: string;

  beforeAll(async () => {
    baton = await launchBaton('access');
    page = baton.page;
    base = new URL('/', baton.server.url).href;
    token = new URL(baton.server.url).searchParams.get('token')!;
  });
  afterAll(() => baton?.close());

  it('says a tab without the token needs its access link', async () => {
    const res = await page.goto(base);
    expect(res?.headers()['set-cookie']).toBeUndefined();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Baton needs its access link' }).isVisible())
      .toBe(true);
    expect(await page.textContent('body')).toContain('Open the address baton serve printed');
    expect(await page.title()).toBe('Baton needs its access link · Baton');
    await page.screenshot({ path: join(shots, 'access-needs-link.png') });
  });

  it('says a wrong link is not valid, and drops it from the address bar', async () => {
    await page.goto(`${base}?token=not-the-token`);
    await expect
      .poll(() => page.getByRole('heading', { name: 'This Baton link is not valid' }).isVisible())
      .toBe(true);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
  });

  it('says so too of a link whose token no token could be (a space, a letter outside ASCII)', async () => {
    for (const bad of ['not%20a%20token', '%E2%9C%93', 'a%22b']) {
      await page.goto(`${base}?token=${bad}`);
      await expect
        .poll(() => page.getByRole('heading', { name: 'This Baton link is not valid' }).isVisible())
        .toBe(true);
    }
  });

  it('opens with the printed link, keeps the token out of cookies and the address bar, and keeps it across a reload', async () => {
    await page.goto(baton.server.url);
    await expect.poll(() => page.getByRole('heading', { name: 'No plans yet' }).isVisible()).toBe(true);
    expect(page.url()).toBe(base);
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: 'No plans yet' }).isVisible()).toBe(true);
    expect(await page.getByRole('img', { name: 'Connection open' }).isVisible()).toBe(true);
  });

  it('opens its socket while the host is asked about the token, not after', async () => {
    // The host's answer about the token is held until the page has opened its socket: a page
    // that opened it only after the answer would wait here for ever.
    let socketOpened!: () => void;
    const opened = new Promise<void>((resolve) => (socketOpened = resolve));
    let sockets = 0;
    const onSocket = (ws: { url(): string }) => {
      if (new URL(ws.url()).pathname !== '/ws') return;
      sockets++;
      socketOpened();
    };
    page.on('websocket', onSocket);
    await page.route('**/api/health', async (route) => {
      await opened;
      await route.continue();
    });
    try {
      await page.reload();
      await expect.poll(() => page.getByRole('heading', { name: 'No plans yet' }).isVisible()).toBe(true);
      expect(await page.getByRole('img', { name: 'Connection open' }).isVisible()).toBe(true);
      // That socket is the page's socket: no second one was opened after the answer.
      expect(sockets).toBe(1);
    } finally {
      socketOpened();
      page.off('websocket', onSocket);
      await page.unroute('**/api/health');
    }
  });

  it('never hands the token to another server on 127.0.0.1', async () => {
    const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
    const other = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.end('<!doctype html><title>another local app</title><p>hello</p>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const port = (other.address() as AddressInfo).port;
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.goto(`http://localhost:${port}/page`);
      expect(seen.length).toBeGreaterThanOrEqual(2);
      for (const r of seen) {
        expect(r.headers.cookie).toBeUndefined();
        expect(JSON.stringify(r)).not.toContain(token);
      }
    } finally {
      other.close();
    }
  });

  it('opens a new tab of the same browser while a Baton tab is open in it, and gives another browser nothing', async () => {
    const context = await baton.browser.newContext();
    const elsewhere = await baton.browser.newContext();
    try {
      const opened = await context.newPage();
      await opened.goto(baton.server.url);
      await expect.poll(() => opened.getByRole('heading', { name: 'No plans yet' }).isVisible()).toBe(true);
      // The open tab hands the token to a tab of its own browser and origin, as a link opened in a new tab.
      const sibling = await context.newPage();
      await sibling.goto(`${base}agents`);
      await sibling.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
      expect(await sibling.context().cookies()).toEqual([]);
      // Another browser (profile) shares nothing with it.
      const other = await elsewhere.newPage();
      await other.goto(`${base}agents`);
      await expect
        .poll(() => other.getByRole('heading', { name: 'Baton needs its access link' }).isVisible())
        .toBe(true);
    } finally {
      await context.close();
      await elsewhere.close();
    }
  });
});
