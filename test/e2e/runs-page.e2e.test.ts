import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// The Runs screen: every run of every plan, live, found by status, plan or id, opened in place;
// and each plan in the sidebar with its last run's status.
describe.skipIf(skipE2e)('the runs of every plan', () => {
  let baton: Baton;
  let page: Page;
  let stop: string;

  beforeAll(async () => {
    baton = await launchBaton('runs-page', { width: 1440, height: 900 });
    page = baton.page;
    stop = baton.signalFile('stop');
    await baton.rpc('agents.import', {
      agents: [
        { id: 'quick', skills: ['x'] },
        {
          id: 'slow',
          kind: 'command',
          skills: ['wait'],
          command: process.execPath,
          args: [
            '-e',
            `const fs = require('fs');
            const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(stop)})) { clearInterval(t); console.log('::result {}'); } }, 50);`,
          ],
        },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'alpha',
        name: 'Alpha',
        tasks: [{ task_id: 'a', description: 'A', required_skills: ['x'] }],
      },
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'beta',
        name: 'Beta',
        tasks: [{ task_id: 'b', description: 'B', required_skills: ['nobody-has-this'] }],
      },
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'gamma',
        name: 'Gamma',
        tasks: [{ task_id: 'g', description: 'G', required_skills: ['wait'] }],
      },
    });
    for (const plan of ['alpha', 'beta', 'alpha']) {
      const { run_id } = (await baton.rpc('runs.start', { plan_id: plan })).value as { run_id: string };
      for (let i = 0; i < 100; i++) {
        const r = (await baton.rpc('runs.get', { run_id })).value as { status: string };
        if (r.status !== 'executing') break;
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    await page.goto(baton.server.url);
  });
  afterAll(async () => {
    writeFileSync(stop, '');
    await baton?.close();
  });

  const table = () => page.getByRole('table', { name: 'Runs' });
  const rows = () => table().locator('tbody tr');

  it('shows each plan with its last run’s status in the sidebar', async () => {
    const plans = page.getByRole('list', { name: 'Plans' });
    await expect.poll(() => plans.getByRole('link', { name: /Alpha/ }).textContent()).toContain('completed');
    expect(await plans.getByRole('link', { name: /Beta/ }).textContent()).toContain('failed');
    // Never run: no status.
    expect(await plans.getByRole('link', { name: /Gamma/ }).textContent()).toBe('Gamma1 task · v1');
  });

  it('lists every run of every plan, newest first, with status, plan, start, duration and tasks', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Runs', exact: true })
      .click();
    await expect.poll(() => rows().count()).toBe(3);
    const texts = await rows().allTextContents();
    expect(texts[0]).toMatch(/^completedAlphaalpha · v1run-\S+.+\d+ ms1 of 1 done$/);
    expect(texts[1]).toMatch(/^failedBetabeta · v1run-\S+.+0 of 1 done$/);
    expect(texts[2]).toMatch(/^completedAlpha/);
    // Started through the contract with no one named: said in words, not as Baton records it ("user").
    expect(await rows().first().getByRole('cell').nth(3).textContent()).toBe('someone unnamed');
  });

  it('follows a run started elsewhere as it executes and ends', async () => {
    await baton.rpc('runs.start', { plan_id: 'gamma', actor: 'Ana' });
    await expect.poll(() => rows().count()).toBe(4);
    await expect.poll(() => rows().first().textContent()).toMatch(/^executingGamma/);
    // Who started it, in its own column.
    expect(await rows().first().getByRole('cell').nth(3).textContent()).toBe('Ana');

    await page.screenshot({ path: join(shots, 'runs-page.png') });
    writeFileSync(stop, '');
    await expect.poll(() => rows().first().textContent()).toMatch(/^completedGamma/);
    expect(
      await page.getByRole('list', { name: 'Plans' }).getByRole('link', { name: /Gamma/ }).textContent(),
    ).toContain('completed');
  });

  it('finds runs by status, plan and id', async () => {
    const filters = page.getByRole('group', { name: 'Run filters' });
    await filters.getByLabel('Status').selectOption('failed');
    await expect.poll(() => rows().count()).toBe(1);
    await filters.getByLabel('Status').selectOption('');
    await filters.getByLabel('Plan').selectOption('alpha');
    await expect.poll(() => rows().count()).toBe(2);
    await filters.getByLabel('Plan').selectOption('');
    await page.getByLabel('Find a run').fill('gam');
    await expect.poll(() => rows().count()).toBe(1);
    const runs = await baton.runsOf('beta');
    await page.getByLabel('Find a run').fill(runs[0]!.id.slice(-6));
    await expect.poll(() => rows().allTextContents()).toEqual([expect.stringMatching(/^failedBeta/)]);
  });

  it('opens a run on its plan, with that run shown', async () => {
    await page.getByLabel('Find a run').fill('');
    await filtersReset(page);
    const older = (await baton.runsOf('alpha'))[1]!.id;
    await table()
      .getByRole('link', { name: `Open run ${older} of Alpha` })
      .click();
    await page.getByRole('heading', { name: 'Alpha', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Run result' }).textContent()).toContain(older);
  });

  it('counts every task of a run started while the page is open, not only those that moved', async () => {
    const hold = baton.signalFile('hold');
    await baton.rpc('agents.import', {
      agents: [
        {
          id: 'holder',
          kind: 'command',
          skills: ['hold'],
          command: process.execPath,
          args: [
            '-e',
            `const fs = require('fs');
            const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(hold)})) { clearInterval(t); console.log('::result {}'); } }, 50);`,
          ],
        },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'delta',
        name: 'Delta',
        tasks: [
          { task_id: 'first', description: 'First', required_skills: ['x'] },
          { task_id: 'held', description: 'Held', required_skills: ['hold'], depends_on: ['first'] },
          { task_id: 'last', description: 'Last', required_skills: ['x'], depends_on: ['held'] },
        ],
      },
    });
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Runs', exact: true })
      .click();
    await expect.poll(() => rows().count()).toBe(4);
    await baton.rpc('runs.start', { plan_id: 'delta' });
    const tasks = () => rows().first().getByRole('cell').last().textContent();
    // Once the first task is done and the held one runs.
    await expect.poll(tasks).toMatch(/^1 of \d+ done · 1 running$/);
    expect(await rows().first().textContent()).toMatch(/^executingDelta/);
    // Three tasks, one done and one running: the one not started yet is counted too.
    expect(await tasks()).toBe('1 of 3 done · 1 running');
    writeFileSync(hold, '');
    await expect.poll(tasks).toBe('3 of 3 done');
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(shots, `runs-page-${width}-${scheme}.png`) });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('says who started a run in words: a name, or the command line, an agent, the REST API', async () => {
    await baton.rpc('runs.start', { plan_id: 'alpha', actor: 'cli' });
    await expect.poll(() => rows().count()).toBe(6);
    await expect.poll(() => rows().first().getByRole('cell').nth(3).textContent()).toBe('command line');
  });
});

async function filtersReset(page: Page) {
  const filters = page.getByRole('group', { name: 'Run filters' });
  await filters.getByLabel('Status').selectOption('');
  await filters.getByLabel('Plan').selectOption('');
}
