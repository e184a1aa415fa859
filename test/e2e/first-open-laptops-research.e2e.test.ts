import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// The laptops research example out of the box. The first open offers it beside the working one;
// loaded, it runs offline to completed and leaves the email draft.
describe.skipIf(skipE2e)("the first open's laptops research example", () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('first-open-laptops-research', { width: 1440, height: 900 });
    page = baton.page;
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  it('is offered beside the working example, saying what it brings', async () => {
    const examples = page.getByRole('region', { name: 'Examples' });
    await examples.getByRole('button', { name: 'Load a working example' }).waitFor();
    const seed = examples.getByRole('button', { name: 'Load the laptops research example' });
    expect(await seed.getAttribute('aria-describedby')).toBeTruthy();
    const about = await page.locator(`[id="${await seed.getAttribute('aria-describedby')}"]`).textContent();
    expect(about).toContain('research best laptops and draft email to john@example.com');
    await page.screenshot({ path: join(shots, 'first-open-examples.png') });
  });

  it('loads its agents, notes and plan in one click, and the plan runs to completed with the draft', async () => {
    await page.getByRole('button', { name: 'Load the laptops research example' }).click();
    await page.getByRole('heading', { name: 'Research best laptops and draft an email' }).waitFor();
    const toast = await page.getByRole('status').filter({ hasText: 'Loaded the example' }).textContent();
    expect(toast).toContain('Agents: mailer, researcher');
    expect(toast).toContain('Notes in memory: 3');
    expect(await page.getByRole('note', { name: 'Before you run' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Run plan' }).click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Run status: completed' }).isVisible())
      .toBe(true);
    const run = (await baton.runsOf('laptops-email'))[0]!.id;
    const artifacts = (await baton.rpc('runs.taskArtifacts', { run_id: run, task_id: 'task-002' }))
      .value as unknown as { name: string }[];
    expect(artifacts.map((a) => a.name)).toContain('draft.eml');
    await page.screenshot({ path: join(shots, 'first-open-laptops-research-run.png') });
  });
});
