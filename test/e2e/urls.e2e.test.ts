import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/**
 * Every screen and selection has an address: a deep link opens what it names, Back and Forward
 * walk the screens seen, a reload keeps the screen and its search, links are links, an unknown
 * address says so, and a link opened in a new tab of the same browser opens the app.
 */
describe.skipIf(skipE2e)('addresses of screens and selections', () => {
  let baton: Baton;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let token: string;
  /** Alpha's runs, the older first. */
  let runs: string[];

  const path = (p: Page) => {
    const url = new URL(p.url());
    return url.pathname + url.search;
  };
  const runResult = (p: Page) => p.getByRole('region', { name: 'Run result' });

  beforeAll(async () => {
    baton = await launchBaton('urls', { width: 1440, height: 900 });
    base = new URL('/', baton.server.url).href;
    token = new URL(baton.server.url).searchParams.get('token')!;
    await baton.rpc('agents.import', { agents: [{ id: 'quick', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'alpha',
        name: 'Alpha',
        tasks: [
          { task_id: 'gather', description: 'Gather the notes', required_skills: ['x'] },
          { task_id: 'write', description: 'Write them up', required_skills: ['x'], depends_on: ['gather'] },
        ],
      },
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'beta',
        name: 'Beta',
        tasks: [{ task_id: 'b', description: 'B', required_skills: ['x'] }],
      },
    });
    for (const plan of ['alpha', 'alpha', 'beta']) {
      const { run_id } = (await baton.rpc('runs.start', { plan_id: plan })).value as { run_id: string };
      for (let i = 0; i < 200; i++) {
        const r = (await baton.rpc('runs.get', { run_id })).value as { status: string };
        if (r.status !== 'executing') break;
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    runs = (await baton.runsOf('alpha')).map((r) => r.id).reverse();
    context = await baton.browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await baton?.close();
  });

  it('opens a run’s task from its address, with the task selected', async () => {
    const [older] = runs;
    await page.goto(`${base}runs/${older}/tasks/write?token=${token}`);
    await page.getByRole('region', { name: 'Task write details' }).waitFor();
    await page.getByRole('heading', { name: 'Alpha', level: 1 }).waitFor();
    await expect.poll(() => runResult(page).textContent()).toContain(older);
    // The token leaves the address; the rest of it stays.
    expect(path(page)).toBe(`/runs/${older}/tasks/write`);
  });

  it('walks back from a task to its run and to the plan, and forward again', async () => {
    const [older, newer] = runs;
    await page.getByRole('list', { name: 'Plans' }).getByRole('link', { name: /Alpha/ }).click();
    // The plan shows its newest run, at the plan's address.
    await expect.poll(() => runResult(page).textContent()).toContain(newer);
    await expect.poll(() => path(page)).toBe('/plans/alpha');
    await page.getByRole('combobox', { name: 'Select run' }).selectOption(older!);
    await expect.poll(() => path(page)).toBe(`/runs/${older}`);
    await expect.poll(() => runResult(page).textContent()).toContain(older);
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task gather:/ })
      .click();
    await page.getByRole('region', { name: 'Task gather details' }).waitFor();
    expect(path(page)).toBe(`/runs/${older}/tasks/gather`);

    await page.goBack();
    await expect.poll(() => path(page)).toBe(`/runs/${older}`);
    await expect.poll(() => page.getByRole('region', { name: 'Task gather details' }).count()).toBe(0);
    await expect.poll(() => runResult(page).textContent()).toContain(older);
    await page.goBack();
    await expect.poll(() => path(page)).toBe('/plans/alpha');
    await expect.poll(() => runResult(page).textContent()).toContain(newer);
    await page.goForward();
    await expect.poll(() => runResult(page).textContent()).toContain(older);
    await page.goForward();
    await page.getByRole('region', { name: 'Task gather details' }).waitFor();
  });

  it('keeps the build-log search and its filters across a reload', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Build logs' })
      .click();
    await expect.poll(() => path(page)).toBe('/logs');
    const list = () => page.getByRole('list', { name: 'Memory entries' }).getByRole('listitem');
    await page.getByLabel('Search memory').fill('alpha');
    await page.getByRole('group', { name: 'Filters' }).getByLabel('Type').selectOption('build_log');
    await expect.poll(() => path(page)).toBe('/logs?q=alpha&type=build_log');
    await expect.poll(() => list().count()).toBe(2);
    const before = await list().allTextContents();
    const length = await page.evaluate(() => history.length);
    await page.reload();
    await expect.poll(() => list().count()).toBe(2);
    expect(await list().allTextContents()).toEqual(before);
    expect(await page.getByLabel('Search memory').inputValue()).toBe('alpha');
    expect(await page.getByRole('group', { name: 'Filters' }).getByLabel('Type').inputValue()).toBe(
      'build_log',
    );
    // Typing the search replaced the address: it made no history entry per letter.
    expect(length).toBeLessThanOrEqual(6);
  });

  it('makes run links and the sidebar’s entries links to their addresses', async () => {
    const [older] = runs;
    const runsEntry = page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Runs', exact: true });
    expect(await runsEntry.getAttribute('href')).toBe('/runs');
    await runsEntry.click();
    const link = page
      .getByRole('table', { name: 'Runs' })
      .getByRole('link', { name: `Open run ${older} of Alpha` });
    expect(await link.getAttribute('href')).toBe(`/runs/${older}`);
    expect(
      await page
        .getByRole('list', { name: 'Plans' })
        .getByRole('link', { name: /Beta/ })
        .getAttribute('href'),
    ).toBe('/plans/beta');
    await link.click();
    await expect.poll(() => path(page)).toBe(`/runs/${older}`);
    await expect.poll(() => runResult(page).textContent()).toContain(older);
  });

  it('says an unknown address is not a page, and links home', async () => {
    await page.goto(`${base}no/such/page`);
    await page.getByRole('heading', { name: 'No page here' }).waitFor();
    expect(await page.getByRole('main').textContent()).toContain('/no/such/page');
    await page.screenshot({ path: join(shots, 'urls-not-found.png') });
    await page.getByRole('main').getByRole('link', { name: 'Go to Plans' }).click();
    // The Plans screen, on the plan it opens on: the first in the sidebar.
    const first = page.getByRole('list', { name: 'Plans' }).getByRole('link').first();
    const name = (await first.locator('.plan-name').textContent())!;
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    expect(path(page)).toBe(await first.getAttribute('href'));
    await page.goto(`${base}runs/run-that-never-was`);
    await page.getByRole('heading', { name: 'No run run-that-never-was' }).waitFor();
    expect(
      await page.getByRole('main').getByRole('link', { name: 'See every run' }).getAttribute('href'),
    ).toBe('/runs');
    // An address the host cannot read (a broken % escape): the app, saying so, not the host's JSON.
    await page.goto(`${base}plans/%E0%A4%A`);
    await page.getByRole('heading', { name: 'No page here' }).waitFor();
    expect(await page.getByRole('main').textContent()).toContain('/plans/%E0%A4%A');
  });

  it('opens a link in a new tab of the same browser without the token in it', async () => {
    const [older] = runs;
    const tab = await context.newPage();
    try {
      await tab.goto(`${base}runs/${older}/tasks/write`);
      await tab.getByRole('region', { name: 'Task write details' }).waitFor();
      expect(await tab.getByRole('heading', { name: 'Baton needs its access link' }).count()).toBe(0);
      expect(path(tab)).toBe(`/runs/${older}/tasks/write`);
    } finally {
      await tab.close();
    }
  });
});
