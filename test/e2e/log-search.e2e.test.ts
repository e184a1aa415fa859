import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots as SHOTS_ROOT, skipE2e } from './harness.ts';

const shots = join(SHOTS_ROOT, 'runs');

// The build logs search what tasks printed (their stdout and stderr), as well as memory entries;
// a hit leads with the line, its words marked, and names the task, the plan and the run.
describe.skipIf(skipE2e)('searching what tasks printed', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    baton = await launchBaton('log-search', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        {
          id: 'migrator',
          kind: 'command',
          skills: ['migrate'],
          command: process.execPath,
          args: [
            '-e',
            "console.log('applied 4 migrations to the ledger database'); console.error('warning: table quarantine_orders has no primary key')",
          ],
        },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'ledger',
        name: 'Ledger upgrade',
        tasks: [{ task_id: 'migrate-db', description: 'Migrate the database', required_skills: ['migrate'] }],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'ledger' });
    for (let i = 0; i < 300; i++) {
      if ((await baton.runsOf('ledger'))[0]?.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.goto(baton.server.url);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Build logs' })
      .click();
  });
  afterAll(() => baton?.close());

  const list = () => page.getByRole('list', { name: 'Memory entries' }).getByRole('listitem');

  it('finds a line a task printed on stderr, the match marked, the task and plan named first', async () => {
    await page.getByLabel('Search memory').fill('quarantine');
    await expect.poll(() => list().count()).toBe(1);
    const row = list().first();
    // The word matched is marked (an underscore splits words, as in the search).
    expect(await row.locator('mark').textContent()).toBe('quarantine');
    // The row leads with the line, then says where it is from; not with an entry id.
    const text = (await row.textContent()) ?? '';
    expect(text).toMatch(/^stderrwarning: table quarantine_orders has no primary key/);
    expect(text).toContain('migrate-db');
    expect(text).toContain('Ledger upgrade');
    expect(text).not.toContain('log:');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [1440, 1024]) {
        await page.setViewportSize({ width, height: 800 });
        await page.screenshot({ path: join(shots, `log-search-${width}-${scheme}.png`) });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
    // It opens as an entry, and leads to the task in its run.
    await row.getByRole('button').first().click();
    const entry = page.getByRole('region', { name: 'Entry content' });
    await expect.poll(() => entry.textContent()).toContain('has no primary key');
    await row.getByRole('link', { name: /^Open task migrate-db in run / }).click();
    await page.getByRole('region', { name: 'Task migrate-db details' }).waitFor();
  });

  it('finds stdout too, and keeps to printed lines with the type filter', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Build logs' })
      .click();
    // The search made before is back in the box (the address keeps it); a new one replaces it.
    await expect.poll(() => page.getByLabel('Search memory').inputValue()).toBe('quarantine');
    await page.getByLabel('Search memory').fill('ledger database');
    await page.getByRole('group', { name: 'Filters' }).getByLabel('Type').selectOption('task_log');
    await expect.poll(() => list().first().locator('mark').allTextContents()).toEqual(['ledger', 'database']);
    expect(await list().count()).toBe(1);
    expect(await list().first().textContent()).toMatch(/^applied 4 migrations to the ledger database/);
  });
});
