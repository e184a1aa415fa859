import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, skipE2e } from './harness.ts';

// The designer's budget section says what the budget caps and what counts against it.
describe.skipIf(skipE2e)('the budget in the designer', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('budget-scope', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'helper', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'digest',
        budget: 10,
        tasks: [
          { task_id: 'collect', description: 'Collect the news', required_skills: ['x'], estimated_cost: 6 },
        ],
      },
    });
    // Two runs of 6 each: each within a budget per run, 12 across runs.
    for (let i = 0; i < 2; i++) {
      const { run_id } = (await baton.rpc('runs.start', { plan_id: 'digest' })).value as { run_id: string };
      for (let tries = 0; ; tries++) {
        const { status } = (await baton.rpc('runs.get', { run_id })).value as { status: string };
        if (status === 'completed') break;
        if (tries > 500) throw new Error(`run ${run_id} is ${status}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    await page.goto(baton.server.url);
    await page.getByRole('button', { name: 'Edit plan' }).click();
    await page.getByRole('form', { name: 'Plan' }).waitFor();
  });
  afterAll(() => baton?.close());

  it('shows per run by default with the latest run’s spend, and across runs with every run’s', async () => {
    const form = page.getByRole('form', { name: 'Plan' });
    const scope = form.getByLabel('Budget counts');
    expect(await scope.inputValue()).toBe('run');
    await expect
      .poll(() => form.textContent())
      .toContain('Each run may spend the budget: spent 6 of 10 in the latest run.');
    await scope.selectOption('plan');
    await expect
      .poll(() => form.textContent())
      .toContain("The plan's runs share the budget: spent 12 of 10 across runs.");
  });
});
