import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { flowViewport, launchBaton, shots, skipE2e } from './harness.ts';

// Editing in the designer's panel the way a person types: fields they move through keep what
// they type, the checks follow what is typed, and Fit view shows every task.
describe.skipIf(skipE2e)('the plan designer, as a person types', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('designer-typing', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'helper', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'digest',
        name: 'Weekly digest',
        budget: 10,
        tasks: [
          { task_id: 'collect', description: 'Collect the news', required_skills: ['x'], estimated_cost: 4 },
          {
            task_id: 'send',
            description: 'Send it',
            required_skills: ['x'],
            depends_on: ['collect'],
            estimated_cost: 4,
          },
        ],
      },
    });
    await page.goto(baton.server.url);
    await page.getByRole('button', { name: 'Edit plan' }).click();
    await graph().getByRole('article', { name: 'Task send' }).waitFor();
  });
  afterAll(() => baton?.close());

  const graph = () => page.getByRole('region', { name: 'Plan designer graph' });
  const checks = () => page.getByRole('region', { name: 'Checks' });
  const showPlanFields = async () => {
    await graph()
      .locator('.react-flow__pane')
      .click({ position: { x: 30, y: 30 } });
    await page.getByRole('form', { name: 'Plan' }).waitFor();
  };

  it('keeps the focus and what is typed in the next field after a task is renamed', async () => {
    await graph().getByRole('article', { name: 'Task send' }).click();
    const id = page.getByRole('form', { name: 'Task send' }).getByLabel('Task id', { exact: true });
    await id.fill('deliver');
    // Leaving the id for the description renames the task; the description is where one types next.
    await page.getByRole('form', { name: 'Task send' }).getByLabel('Description').click();
    await page.keyboard.type(' by mail');
    const form = page.getByRole('form', { name: 'Task deliver' });
    const description = form.getByLabel('Description');
    expect(await description.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await description.inputValue()).toBe('Send it by mail');
    // With Tab, too: the next field has the focus, not the page.
    await form.getByLabel('Task id', { exact: true }).fill('post');
    await page.keyboard.press('Tab');
    await page.keyboard.type(' today');
    const renamed = page.getByRole('form', { name: 'Task post' });
    await expect.poll(() => renamed.getByLabel('Description').inputValue()).toBe('Send it by mail today');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
  });

  it('does not say ready to run while a field holds JSON that is not applied', async () => {
    await graph().getByRole('article', { name: 'Task collect' }).click();
    const form = page.getByRole('form', { name: 'Task collect' });
    await form.locator('summary', { hasText: 'Inputs' }).click();
    await expect.poll(() => checks().textContent()).toContain('ready to run');
    const inputs = form.getByLabel('Inputs (JSON)', { exact: true });
    await inputs.fill('{ "topic": laptops }');
    await inputs.press('Tab');
    await expect.poll(() => form.textContent()).toContain('Not applied yet');
    const text = await checks().textContent();
    expect(text).not.toContain('ready to run');
    expect(text).toContain('1 to fix');
    expect(text).toContain('collect: Inputs (JSON) is not valid JSON');
    await page.screenshot({ path: join(shots, 'designer-unapplied-check.png') });
    // Mended, the check goes.
    await inputs.fill('{ "topic": "laptops" }');
    await inputs.press('Tab');
    await expect.poll(() => checks().textContent()).toContain('ready to run');
  });

  it('warns about the budget as it is typed, before the field is left', async () => {
    await showPlanFields();
    const budget = page.getByRole('form', { name: 'Plan' }).getByLabel('Budget', { exact: true });
    await budget.fill('5');
    // Still in the field: the warning is there already.
    expect(await budget.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect.poll(() => checks().textContent()).toContain('estimated cost 8 is over the budget of 5');
    await budget.fill('50');
    await expect.poll(() => checks().textContent()).not.toContain('over the budget');
    // What was typed in one go is one step to undo: back to the budget of 10.
    await budget.press('Enter');
    await page.getByRole('toolbar', { name: 'Designer' }).getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => budget.inputValue()).toBe('10');
  });

  it('fits the view to every task, also to tasks never drawn yet', async () => {
    await graph().getByRole('article', { name: 'Task collect' }).click();
    const add = page.getByRole('toolbar', { name: 'Designer' }).getByRole('button', { name: 'Add task' });
    // Each new task is added after the one selected (the last one added): a long chain.
    for (let i = 0; i < 7; i++) await add.click();
    await expect.poll(() => page.getByText(/· \d+ tasks ·/).textContent()).toContain('· 9 tasks ·');
    // Zoomed in on the last one, the first ones are off screen and were never drawn at this zoom.
    const zoomIn = graph().getByRole('button', { name: 'Zoom In' });
    for (let i = 0; i < 3; i++) await zoomIn.click();
    await page.waitForTimeout(300);
    const before = await flowViewport(page);
    await graph().getByRole('button', { name: 'Fit View' }).click();
    await expect.poll(async () => (await flowViewport(page)).zoom).toBeLessThan(before.zoom);
    const area = (await graph().boundingBox())!;
    await expect.poll(() => graph().getByRole('article').count()).toBe(9);
    for (const card of await graph().getByRole('article').all()) {
      const b = (await card.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(area.x);
      expect(b.y).toBeGreaterThanOrEqual(area.y);
      expect(b.x + b.width).toBeLessThanOrEqual(area.x + area.width);
      expect(b.y + b.height).toBeLessThanOrEqual(area.y + area.height);
    }
  });
});
