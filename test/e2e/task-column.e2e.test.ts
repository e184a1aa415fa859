import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../kit/engine-kit.ts';
import type { Baton } from './harness.ts';
import { launchBaton, skipE2e } from './harness.ts';

/**
 * The run's Task column is as wide as its widest id as drawn: an id of wide letters (w) fits
 * whole though a count of its letters would make the column too narrow, and one past 22 letters'
 * worth ends in … with its name whole in its title. At 1440 and 1024, light and dark.
 */
describe.skipIf(skipE2e)("the run's Task column", () => {
  let baton: Baton;
  let page: Page;
  const WIDE = 'wwwwwwwwwwww';
  const NARROW = 'illicit-list-fill';
  const LONG = 'deploy-the-production-cluster-eu-west';

  /** A plan of these task ids, run to its end, and its run shown. */
  const runOf = async (planId: string, ids: string[]) => {
    await baton.rpc('plans.import', {
      plan: {
        plan_id: planId,
        name: planId,
        tasks: ids.map((task_id) => ({ task_id, description: task_id, required_skills: ['x'] })),
      },
    });
    const run = (await baton.rpc('runs.start', { plan_id: planId })).value as unknown as { run_id: string };
    await eventually(
      async () =>
        ((await baton.rpc('runs.get', { run_id: run.run_id })).value as { status: string }).status ===
        'completed',
      30_000,
      'the run completed',
    );
    await page.goto(baton.server.url);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: new RegExp(`^${planId}`) })
      .click();
  };
  const id = (name: string) =>
    page.getByRole('table', { name: 'Task results' }).getByRole('button', { name, exact: true });
  const cut = (name: string) => id(name).evaluate((b) => b.scrollWidth > b.clientWidth);
  /** At 1440 light and 1024 dark, nothing past the right edge. */
  const inBoth = async (check: () => Promise<void>) => {
    for (const [width, scheme] of [
      [1440, 'light'],
      [1024, 'dark'],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await check();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  };

  beforeAll(async () => {
    baton = await launchBaton('task-column', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
  });
  afterAll(() => baton?.close());

  it('fits an id of wide letters whole: the column is measured, not counted', async () => {
    await runOf('wide', [WIDE, 'a']);
    await id(WIDE).waitFor();
    await inBoth(async () => {
      await expect.poll(() => cut(WIDE)).toBe(false);
      expect(await cut('a')).toBe(false);
    });
  });

  it('cuts only an id past 22 letters’ worth, with its title whole', async () => {
    await runOf('long', [LONG, NARROW]);
    await id(LONG).waitFor();
    await inBoth(async () => {
      await expect.poll(() => cut(LONG)).toBe(true);
      expect(await cut(NARROW)).toBe(false);
      expect(await id(LONG).getAttribute('title')).toBe(`Show task ${LONG}`);
    });
  });
});
