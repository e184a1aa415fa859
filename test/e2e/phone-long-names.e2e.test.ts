import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { eventually } from '../kit/engine-kit.ts';
import { seedSpend } from '../kit/spend-seed.ts';
import { serveApp } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import { controlsOffScreen } from './off-screen.ts';

const LONG_NAME = 'Миграция базы данных и проверка всех сервисов — a very long plan name that goes on';
const LONG_ID = 'big-migration-plan-with-an-exceptionally-long-identifier-2026';

/**
 * The screens that list plans (Runs, Build logs, All plans, Spend) with a plan of a long name and
 * id and a month of spend: on a 390 px phone nothing scrolls the page sideways and every control
 * is on the screen; at 1440 the All plans table keeps its Actions on the screen.
 */
describe.skipIf(skipE2e)('screens with a long plan name', () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  let rpc: Rpc;
  let browser: Browser;
  let page: Page;

  const open = async (path: string) => {
    const u = new URL(host.openUrl);
    u.pathname = path;
    await page.goto(u.href);
  };
  /** How wide the page is drawn, and how wide its scrolling part (`.page`) is. */
  const widths = () =>
    page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      page: Math.max(0, ...[...document.querySelectorAll('.page')].map((p) => p.scrollWidth)),
    }));

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = mkdtempSync(join(tmpdir(), 'baton-long-names-'));
    ({ app, host, rpc } = await serveApp(dir));
    seedSpend(app.store, { steps: 200, days: 30, end: new Date() });
    await rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await rpc('plans.import', {
      plan: {
        plan_id: LONG_ID,
        name: LONG_NAME,
        tasks: [{ task_id: 'a', description: 'Do a', required_skills: ['x'], depends_on: [] }],
      },
    });
    await rpc('runs.start', { plan_id: LONG_ID });
    await eventually(
      async () => ((await rpc('runs.list', { plan_id: LONG_ID })).value as unknown as unknown[]).length > 0,
      20_000,
      'the long plan ran',
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, timezoneId: 'UTC' });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await app?.close();
    await removeDataDir(dir);
  });

  const screens: [path: string, drawn: () => ReturnType<Page['getByText']>][] = [
    ['/runs', () => page.getByRole('table', { name: 'Runs' }).getByText(LONG_NAME)],
    ['/logs', () => page.getByRole('tab', { name: 'Memory', selected: true })],
    ['/plans', () => page.getByRole('table', { name: 'Plans' }).getByText(LONG_NAME)],
    ['/spend', () => page.getByRole('list', { name: 'Cost by day' })],
  ];
  for (const [path, drawn] of screens) {
    it(`${path} at 390: nothing past the right edge, every control on the screen`, async () => {
      await open(path);
      await drawn().first().waitFor();
      // The plan filter lists the long name.
      await page.screenshot({
        path: join(shots, `phone-long${path.replaceAll('/', '-')}.png`),
        fullPage: true,
      });
      expect(await widths()).toEqual({ doc: 390, page: expect.toBeOneOf([0, 390]) });
      expect(await controlsOffScreen(page)).toEqual([]);
    });
  }

  it('/plans at 1440: a long plan name wraps, and every row keeps its actions on the screen', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open('/plans');
    const row = page.getByRole('row', { name: `Plan ${LONG_NAME}` });
    await row.waitFor();
    await page.screenshot({ path: join(shots, 'desk-long-plans.png') });
    expect((await widths()).doc).toBe(1440);
    expect(await controlsOffScreen(page)).toEqual([]);
    const buttons = await row.getByRole('button').all();
    expect(buttons.length).toBeGreaterThanOrEqual(3);
    for (const b of buttons) {
      const box = (await b.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1440);
    }
  });
});
