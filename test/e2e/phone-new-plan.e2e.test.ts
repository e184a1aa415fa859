import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/**
 * The new-plan dialog's drafted tasks on a 390 × 844 phone: each task's description and skill are
 * as wide as the dialog (before, four columns left the description 60 px and the skill "res…"),
 * nothing past the dialog's right edge, and the preview shows the whole draft; at 1440 they stay a
 * table, one row a task.
 */
describe.skipIf(skipE2e)('a drafted plan reviewed on a phone', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('phone-new-plan', { width: 390, height: 844 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'scout', skills: ['research', 'web_search'] },
        { id: 'postie', skills: ['mail'] },
      ],
    });
    await page.goto(baton.server.url);
    await page.getByRole('heading', { name: 'No plans yet' }).waitFor();
  });
  afterAll(() => baton?.close());

  const dialog = () => page.getByRole('dialog', { name: 'New plan' });
  const row = (taskId: string) =>
    dialog()
      .getByRole('table', { name: 'Drafted tasks' })
      .getByRole('row', { name: `Task ${taskId}` });
  const draft = async () => {
    await page.goto(baton.at('/plans'));
    await page.getByRole('button', { name: 'New plan…' }).first().click();
    await dialog().getByLabel('Goal').fill('research laptops and research phones, then write a comparison');
    await dialog().getByRole('button', { name: 'Draft from goal' }).click();
    await row('task-003').waitFor();
  };
  const box = async (label: string) => (await dialog().getByLabel(label).boundingBox())!;

  it('gives each task’s description and skill the dialog’s width at 390', async () => {
    await draft();
    const area = (await dialog().boundingBox())!;
    for (const task of ['task-001', 'task-002', 'task-003']) {
      const what = await box(`What ${task} does`);
      const skill = await box(`Skill of ${task}`);
      for (const b of [what, skill]) {
        expect(b.width).toBeGreaterThan(area.width - 80);
        expect(b.x).toBeGreaterThanOrEqual(area.x);
        expect(b.x + b.width).toBeLessThanOrEqual(area.x + area.width);
      }
      // One under the other, under the task's id.
      expect(skill.y).toBeGreaterThan(what.y + what.height);
    }
    expect(await dialog().evaluate((d) => d.scrollWidth <= d.clientWidth)).toBe(true);
    // The preview shows the whole draft inside its pane (before, at 1:1 its second column was cut).
    const pane = (await dialog().getByRole('region', { name: 'Draft preview' }).boundingBox())!;
    const cards = dialog().getByRole('region', { name: 'Draft preview' }).locator('.react-flow__node');
    await expect.poll(() => cards.count()).toBe(3);
    for (const card of await cards.all()) {
      await expect
        .poll(async () => {
          const b = (await card.boundingBox())!;
          return (
            b.x >= pane.x &&
            b.x + b.width <= pane.x + pane.width &&
            b.y >= pane.y &&
            b.y + b.height <= pane.y + pane.height
          );
        })
        .toBe(true);
    }
    await row('task-001').evaluate((r) => r.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(shots, 'new-plan-draft-390.png') });
  });

  it('keeps them a table, one row a task, at 1440', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await draft();
    const what = await box('What task-001 does');
    const skill = await box('Skill of task-001');
    expect(Math.abs(what.y - skill.y)).toBeLessThan(2);
    expect(skill.x).toBeGreaterThan(what.x + what.width);
    await page.screenshot({ path: join(shots, 'new-plan-draft-1440.png') });
  });
});
