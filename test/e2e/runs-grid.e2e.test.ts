import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots as SHOTS_ROOT, skipE2e } from './harness.ts';

const shots = join(SHOTS_ROOT, 'runs');

/** Polls (a plain loop: expect.poll is for tests, not their setup) until `check` gives a value. */
async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the run did not get there in 15 s');
}

// A plan's tasks across its last runs, as Airflow's grid view: a cell per task and run, named
// and coloured by the task's status there, a link to the task in that run; live as runs go.
describe.skipIf(skipE2e)('the runs grid', () => {
  let baton: Baton;
  let page: Page;
  const pending = async () =>
    (await baton.rpc('approvals.list', { status: 'pending' })).value as unknown as {
      id: string;
      run_id: string;
    }[];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    baton = await launchBaton('runs-grid', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'helper', skills: ['fetch'] },
        {
          id: 'checker',
          kind: 'command',
          skills: ['check'],
          command: process.execPath,
          args: ['-e', "console.error('2 checks failed'); process.exit(2)"],
        },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'nightly',
        tasks: [
          { task_id: 'fetch', description: 'Fetch the data', required_skills: ['fetch'] },
          { task_id: 'check', description: 'Check it', required_skills: ['check'], depends_on: ['fetch'] },
          {
            task_id: 'publish',
            description: 'Publish it',
            required_skills: ['fetch'],
            depends_on: ['fetch'],
            requires_approval: true,
          },
        ],
      },
    });
    // Two runs, each waiting for the publish approval.
    for (let n = 1; n <= 2; n++) {
      await baton.rpc('runs.start', { plan_id: 'nightly' });
      await until(async () => ((await pending()).length === n ? true : undefined));
    }
  });
  afterAll(() => baton?.close());

  /** The page at `path` of the app, with the host's token the first time. */
  const at = (path: string) => {
    const url = new URL(baton.server.url);
    const token = url.searchParams.get('token') ?? '';
    return `${url.origin}${path}${path.includes('?') ? '&' : '?'}token=${token}`;
  };
  const grid = () => page.getByRole('region', { name: 'Runs grid' });
  const cell = (name: string) => grid().getByRole('link', { name, exact: true });

  it('has its own address: each task a row, each run a column, the newest at the right', async () => {
    await page.goto(at('/plans/nightly/grid'));
    const table = grid().getByRole('table', { name: 'Tasks of nightly by run' });
    await expect
      .poll(() => table.getByRole('rowheader').allTextContents())
      .toEqual(['fetch', 'check', 'publish']);
    const heads = table.getByRole('columnheader');
    expect((await heads.allTextContents()).slice(0, 3)).toEqual(['Task', '1', '2']);
    expect(
      await page
        .getByRole('tablist', { name: 'Plan views' })
        .getByRole('tab', { name: 'Runs grid' })
        .getAttribute('aria-selected'),
    ).toBe('true');
    await expect.poll(() => cell('check in run 2: failed').count()).toBe(1);
    expect(await cell('fetch in run 1: done').count()).toBe(1);
    expect(await cell('publish in run 2: awaiting approval').count()).toBe(1);
    // Each row's cells are in the runs' order, the newest last.
    const fetchRow = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'fetch' }) });
    expect(
      await fetchRow.getByRole('link').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
    ).toEqual(['fetch in run 1: done', 'fetch in run 2: done']);
    // The colour says the status: a failed cell is not coloured as a done one.
    const colour = (name: string) => cell(name).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await colour('check in run 2: failed')).not.toBe(await colour('fetch in run 2: done'));
    // What waits for a person has its own colour, not the one of tasks blocked on others.
    const keyColour = (label: string) =>
      page
        .getByRole('list', { name: 'Grid key' })
        .getByRole('listitem')
        .filter({ hasText: label })
        .locator('.grid-cell')
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    const awaiting = await colour('publish in run 2: awaiting approval');
    expect(awaiting).toBe(await keyColour('Awaiting approval'));
    expect(awaiting).not.toBe(await keyColour('Blocked'));
  });

  it('follows the runs as they go, without a reload', async () => {
    const runs = await baton.runsOf('nightly');
    const newest = (await pending()).find((a) => a.run_id === runs[0]!.id)!;
    await baton.rpc('approvals.decide', {
      approval_id: newest.id,
      decision: 'approve',
      actor: 'Maria Lopez',
    });
    await expect.poll(() => cell('publish in run 2: done').count()).toBe(1);
    // A run started while the grid is open gets its column.
    await baton.rpc('runs.start', { plan_id: 'nightly' });
    await expect.poll(() => cell('fetch in run 3: done').count()).toBe(1);
    await expect.poll(() => cell('publish in run 3: awaiting approval').count()).toBe(1);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [1440, 1024]) {
        await page.setViewportSize({ width, height: 800 });
        await page.screenshot({ path: join(shots, `grid-${width}-${scheme}.png`) });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('leads from a cell to that task in that run', async () => {
    const runs = await baton.runsOf('nightly');
    const second = runs[1]!.id;
    await cell('check in run 2: failed').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/runs/${second}/tasks/check`);
    const details = page.getByRole('region', { name: 'Task check details' });
    await expect.poll(() => details.textContent()).toContain('exited with code 2');
    // Back returns to the grid.
    await page.goBack();
    await expect.poll(() => cell('check in run 2: failed').count()).toBe(1);
  });

  it('compares more than two runs, the runs compared kept in the address', async () => {
    const [third, second, first] = (await baton.runsOf('nightly')).map((r) => r.id);
    await page.goto(at('/plans/nightly/compare'));
    const compare = page.getByRole('region', { name: 'Compare runs' });
    const table = compare.getByRole('table', { name: 'Run comparison' });
    const statuses = (taskId: string) =>
      table.getByRole('rowgroup', { name: taskId }).locator('tr > td:first-of-type').allTextContents();
    await expect
      .poll(() => statuses('publish'))
      .toEqual(['First run: Done', 'Second run: Awaiting approval']);
    expect(await compare.getByRole('button', { name: /^Stop comparing/ }).count()).toBe(0);
    await compare.getByRole('button', { name: '+ Add a run' }).click();
    // The new column is the newest run not compared yet: the plan's first.
    await expect
      .poll(() => statuses('publish'))
      .toEqual(['First run: Done', 'Second run: Awaiting approval', 'Third run: Awaiting approval']);
    expect(await compare.getByRole('combobox', { name: 'Third run' }).inputValue()).toBe(first);
    await expect.poll(() => new URL(page.url()).searchParams.get('runs')).toBe(`${second},${third},${first}`);
    // The task that differs across the three is marked, and the summary counts it.
    expect(await table.getByRole('rowgroup', { name: 'publish' }).getAttribute('class')).toBe('differs');
    expect(await compare.getByRole('status').textContent()).toBe(
      '1 of 3 tasks differs in status, agent or output.',
    );
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [1440, 1024]) {
        await page.setViewportSize({ width, height: 800 });
        await page.screenshot({ path: join(shots, `compare3-${width}-${scheme}.png`), fullPage: true });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
    // A reload keeps them.
    await page.reload();
    await expect
      .poll(() => statuses('publish'))
      .toEqual(['First run: Done', 'Second run: Awaiting approval', 'Third run: Awaiting approval']);
    // One is taken out; the address follows.
    await compare.getByRole('button', { name: 'Stop comparing the first run' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('runs')).toBe(`${third},${first}`);
    await expect
      .poll(() => statuses('publish'))
      .toEqual(['First run: Awaiting approval', 'Second run: Awaiting approval']);
    // An address naming runs in another order opens on them in that order.
    await page.goto(at(`/plans/nightly/compare?runs=${first},${second},${third}`));
    await expect
      .poll(() => statuses('check'))
      .toEqual(['First run: Failed', 'Second run: Failed', 'Third run: Failed']);
    expect(await compare.getByRole('combobox', { name: 'Second run' }).inputValue()).toBe(second);
  });
});
