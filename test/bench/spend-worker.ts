// The Spend screen at 100,000 priced steps: a month of seeded runs (test/kit/spend-seed.ts, five
// agents on three models) written through the real store, then
//   the store query behind the screen (`spend.report` for each grouping over the last 30 days,
//     and `spend.budgets`), through the app's dispatch, p50 and p95 of repeated calls;
//   the screen's first render in Chromium against `baton serve` on the same data: the app open
//     on Plans, a click on Spend in the sidebar → its totals, both charts and the table drawn
//     (its code fetched on first use, its figures read, two frames painted); and, for information,
//     a cold load of /spend and the switch to by run (every run a row).
// Prints `SPEND_RESULT {json}`; asserts nothing. Usage: node test/bench/spend-worker.ts [--steps N] [--reps N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { createApp } from '../../src-main/app/create-app.ts';
import { SPEND_GROUPS } from '../../src-shared/schemas/plain/spend.ts';
import { CHROMIUM_ARGS, findChromium } from '../e2e/browser-path.ts';
import { startServe } from '../e2e/serve-process.ts';
import { seedSpend } from '../kit/spend-seed.ts';
import { argInt } from './measure.ts';

export interface SpendFigures {
  steps: number;
  runs: number;
  /** Writing the seed: its usage steps (and a message step beside each), runs, charges, in one transaction. */
  seedMs: number;
  /** `spend.report` over the last 30 days, per grouping, through the app's dispatch. */
  queries: { by: string; rows: number; p50Ms: number; p95Ms: number }[];
  budgetsP50Ms: number;
  /** Sidebar click → the Spend screen drawn (by day, last 30 days), p50 of `uiReps` (each in a fresh page). */
  firstRenderP50Ms: number | null;
  firstRenderMaxMs: number | null;
  uiReps: number;
  /** Information: a cold load of /spend (the app's own code included) → drawn. */
  coldLoadMs: number | null;
  /** Information: by day → by run (every run a row). */
  byRunMs: number | null;
  byRunRows: number | null;
  /** Why there is no UI figure. */
  uiSkipped?: string;
}

const STEPS = argInt('steps', 100_000);
const REPS = argInt('reps', 20);
const UI_REPS = argInt('ui-reps', 5);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const dataDir = mkdtempSync(join(tmpdir(), 'baton-spend-bench-'));
/**
 * The time in the page from `start` (a click on what matches `trigger`, or now) to the Spend screen
 * drawn with `table`: its totals, both charts' bars and the table's rows in the document, then two
 * frames painted. Watched in the page (each frame), so the figure is the app's own time, not the
 * round trips of the test's driver.
 */
function watchDrawn(page: Page, table: string, trigger: string | null): Promise<void> {
  return page.evaluate(
    ({ table, trigger }) => {
      const w = window as unknown as { spendDrawn?: Promise<number> };
      w.spendDrawn = new Promise<number>((resolve) => {
        let t0 = performance.now();
        const started = trigger === null;
        let armed = started;
        if (trigger !== null)
          document.addEventListener(
            'click',
            (e) => {
              if ((e.target as Element).closest(trigger)) {
                t0 = performance.now();
                armed = true;
              }
            },
            { capture: true, once: true },
          );
        const ready = () =>
          document.querySelector(`table[aria-label="${table}"] tbody tr`) !== null &&
          document.querySelector('ol[aria-label^="Cost by"] li') !== null &&
          document.querySelector('ol[aria-label^="Tokens by"] li') !== null &&
          document.querySelector('section[aria-label="Totals"]') !== null;
        const tick = () => {
          if (armed && ready())
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    },
    { table, trigger },
  );
}
const drawnAfter = (page: Page) =>
  page.evaluate(() => (window as unknown as { spendDrawn: Promise<number> }).spendDrawn);

try {
  const app = createApp({ dataDir, log: () => {} });
  const t0 = performance.now();
  const seeded = seedSpend(app.store, { steps: STEPS, days: 30, end: new Date() });
  const seedMs = performance.now() - t0;
  process.stderr.write(
    `seeded ${seeded.steps} usage steps in ${seeded.runs} runs: ${seedMs.toFixed(0)} ms\n`,
  );
  const since = new Date(Date.now() - 29 * 86_400_000);
  since.setUTCHours(0, 0, 0, 0);
  const range = {
    since: since.toISOString(),
    until: new Date(since.getTime() + 30 * 86_400_000).toISOString(),
  };
  const call = async (method: string, input: unknown) => {
    const r = await app.dispatch(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as { rows?: unknown[] };
  };
  const timed = async (method: string, input: unknown) => {
    const times: number[] = [];
    let rows = 0;
    await call(method, input);
    for (let i = 0; i < REPS; i++) {
      const t = performance.now();
      const v = await call(method, input);
      times.push(performance.now() - t);
      rows = Array.isArray(v) ? v.length : (v.rows?.length ?? 0);
    }
    return { rows, p50Ms: pct(times, 50), p95Ms: pct(times, 95) };
  };
  const queries: SpendFigures['queries'] = [];
  for (const by of SPEND_GROUPS) queries.push({ by, ...(await timed('spend.report', { by, ...range })) });
  const budgets = await timed('spend.budgets', {});
  await app.close();

  const figures: SpendFigures = {
    steps: seeded.steps,
    runs: seeded.runs,
    seedMs,
    queries,
    budgetsP50Ms: budgets.p50Ms,
    firstRenderP50Ms: null,
    firstRenderMaxMs: null,
    uiReps: 0,
    coldLoadMs: null,
    byRunMs: null,
    byRunRows: null,
  };
  const found = findChromium();
  if ('missing' in found) figures.uiSkipped = found.missing;
  else {
    const server = await startServe(dataDir);
    const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
    try {
      const renders: number[] = [];
      const sidebar = 'nav[aria-label="Sections"] a[aria-label="Spend"]';
      for (let i = 0; i < UI_REPS; i++) {
        const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
        await page.goto(server.url);
        await page.getByRole('list', { name: 'Plans' }).waitFor();
        await watchDrawn(page, 'Spend by day', sidebar);
        await page.locator(sidebar).click();
        renders.push(await drawnAfter(page));
        if (i === UI_REPS - 1) {
          await watchDrawn(page, 'Spend by run', 'fieldset.spend-group-by button');
          await page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Run' }).click();
          figures.byRunMs = await drawnAfter(page);
          figures.byRunRows = await page
            .getByRole('table', { name: 'Spend by run' })
            .locator('tbody tr')
            .count();
        }
        await page.close();
      }
      figures.firstRenderP50Ms = pct(renders, 50);
      figures.firstRenderMaxMs = Math.max(...renders);
      figures.uiReps = renders.length;
      // A cold load of /spend: from the navigation's start (the page's own clock) to drawn.
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      const u = new URL(server.url);
      u.pathname = '/spend';
      await page.goto(u.href, { waitUntil: 'commit' });
      await watchDrawn(page, 'Spend by day', null);
      const sinceNavigation = await page.evaluate(async () => {
        const w = window as unknown as { spendDrawn: Promise<number> };
        await w.spendDrawn;
        return performance.now();
      });
      figures.coldLoadMs = sinceNavigation;
    } finally {
      await browser.close();
      await server.stop();
    }
  }
  console.log(`SPEND_RESULT ${JSON.stringify(figures)}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
