import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * The designer's and the agent form's fields as a person meets them: JSON typed in a task's
 * inputs that does not parse is kept (not thrown away when the canvas is clicked) and holds the
 * plan back; Discard asks only when something would be lost; a group of choices lines up in
 * columns, and the controls of one row of the agent form line up, at 1024 and 1440.
 */
describe.skipIf(skipE2e)('form fields in the designer and the agent form', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('form-fields', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'writer', skills: ['write'] }] });
    const imported = await baton.rpc('plans.import', {
      plan: {
        plan_id: 'brief',
        tasks: [
          { task_id: 'draft', description: 'Draft the brief', required_skills: ['write'] },
          {
            task_id: 'send',
            description: 'Send it',
            required_skills: ['write'],
            depends_on: ['draft'],
            condition: { dependencies: { draft: ['done', 'failed'] } },
          },
        ],
      },
    });
    expect(imported.error).toBeUndefined();
    await page.goto(baton.server.url);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^brief/ })
      .click();
  });
  afterAll(() => baton?.close());

  const checks = () => page.getByRole('region', { name: 'Checks' });
  const graph = () => page.getByRole('region', { name: 'Plan designer graph' });
  const form = (id: string) => page.getByRole('form', { name: `Task ${id}` });
  const select = async (id: string) => {
    await expect
      .poll(async () => {
        if (!(await form(id).isVisible()))
          await graph()
            .getByRole('article', { name: new RegExp(`^Task ${id}`) })
            .click();
        return form(id).isVisible();
      })
      .toBe(true);
  };
  /** A click on the canvas, away from the cards: the plan's own fields show instead of the task's. */
  const clickCanvas = async () => {
    const box = (await graph().boundingBox())!;
    await page.mouse.click(box.x + 40, box.y + 40);
    await page.getByRole('form', { name: 'Plan' }).waitFor();
  };
  /** Goes to a screen by the sidebar, unfolding it first in a narrow window. */
  const go = async (name: string) => {
    const rail = page.getByRole('button', { name: 'Show the sidebar' });
    if (await rail.isVisible()) await rail.click();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
  };
  const stored = async () =>
    (await baton.rpc('plans.get', { plan_id: 'brief' })).value as {
      version: number;
      plan: { tasks: Record<string, unknown>[] };
    };

  it('keeps inputs JSON that does not parse when the canvas is clicked: Checks say why, saving waits', async () => {
    await page.getByRole('button', { name: 'Edit plan' }).click();
    await select('draft');
    const inputs = form('draft').getByLabel('Inputs (JSON)');
    if (!(await inputs.isVisible())) await form('draft').locator('summary', { hasText: 'Inputs' }).click();
    const typed = '{ "topic": "laptops",, }';
    await inputs.fill(typed);
    await clickCanvas();
    // Not thrown away: Checks name the task and the field, with where the JSON goes wrong.
    await expect.poll(() => checks().textContent()).toContain('1 to fix');
    expect(await checks().textContent()).toMatch(
      /draft: Inputs \(JSON\) is not valid JSON \(line 1, column \d+\)\. Not applied yet\./,
    );
    await page.getByRole('button', { name: 'Save plan' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/^Not saved: draft: Inputs \(JSON\) is not valid JSON/);
    expect((await stored()).version).toBe(1);
    // Back on the task, the text is as typed, the problem under it.
    await select('draft');
    expect(await form('draft').getByLabel('Inputs (JSON)').inputValue()).toBe(typed);
    expect(await form('draft').getByLabel('Inputs (JSON)').getAttribute('aria-invalid')).toBe('true');
    expect(await form('draft').textContent()).toMatch(
      /Inputs \(JSON\) is not valid JSON \(line 1, column \d+\)/,
    );
    await form('draft').getByLabel('Inputs (JSON)').fill('{ "topic": "laptops" }');
    await form('draft').getByLabel('Inputs (JSON)').press('Tab');
    await expect.poll(() => checks().textContent()).toContain('ready to run');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await expect.poll(async () => (await stored()).version).toBe(2);
    expect((await stored()).plan.tasks[0]).toMatchObject({ inputs: { topic: 'laptops' } });
  });

  it('discards at once what was changed and changed back; asks when a change would be lost', async () => {
    await page.getByRole('button', { name: 'Edit plan' }).click();
    await select('send');
    const description = form('send').getByLabel('Description');
    await description.fill('Send it today');
    await description.press('Tab');
    await description.fill('Send it');
    await description.press('Tab');
    // Undo has steps, but the plan says what it said: nothing to lose, nothing to ask.
    expect(await page.getByRole('button', { name: 'Undo' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('button', { name: 'Edit plan' }).waitFor();
    expect(await page.getByRole('alertdialog', { name: 'Discard your changes?' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Edit plan' }).click();
    await select('send');
    await form('send').getByLabel('Description').fill('Send it today');
    await form('send').getByLabel('Description').press('Tab');
    await page.getByRole('button', { name: 'Discard' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Discard your changes?' });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Discard the changes' }).click();
    await page.getByRole('button', { name: 'Edit plan' }).waitFor();
    expect((await stored()).plan.tasks[1]).toMatchObject({ description: 'Send it' });
  });

  /** The left edges of the boxes, and those of the first row of them. */
  const lefts = (l: Locator) =>
    l.evaluateAll((els) => {
      const boxes = els.map((e) => e.getBoundingClientRect());
      const top = Math.min(...boxes.map((b) => b.top));
      return {
        all: boxes.map((b) => Math.round(b.left)),
        first: boxes.filter((b) => Math.abs(b.top - top) < 4).map((b) => Math.round(b.left)),
        rows: new Set(boxes.map((b) => Math.round(b.top))).size,
      };
    });
  /** Top and height of each control, by label. */
  const boxesOf = async (scope: Locator, labels: (string | RegExp)[]) =>
    Promise.all(
      labels.map(async (label) => {
        const b = (await scope.getByLabel(label, { exact: typeof label === 'string' }).boundingBox())!;
        return { top: Math.round(b.y), height: Math.round(b.height) };
      }),
    );

  for (const [width, height] of [
    [1024, 768],
    [1440, 900],
  ] as const) {
    it(`at ${width}: a dependency's statuses line up in columns, and one row of the agent form lines up`, async () => {
      await page.setViewportSize({ width, height });
      await page.getByRole('button', { name: 'Edit plan' }).click();
      await select('send');
      const statuses = form('send').getByRole('group', { name: 'When draft ended' });
      if (!(await statuses.isVisible()))
        await form('send').locator('summary', { hasText: 'Run only when' }).click();
      const cols = await lefts(statuses.locator('label'));
      // Each status starts where one of the first row starts, however many rows they take.
      for (const x of cols.all)
        expect(
          cols.first.some((f) => Math.abs(f - x) <= 1),
          `${x} in ${cols.first}`,
        ).toBe(true);
      for (const scheme of ['light', 'dark'] as const) {
        await expectReadableIn(page, scheme, { width });
        await page.screenshot({ path: join(shots, `form-fields-designer-${width}-${scheme}.png`) });
      }
      await page.getByRole('button', { name: 'Discard' }).click();
      await page.getByRole('button', { name: 'Edit plan' }).waitFor();

      await go('Agents');
      await page.getByRole('button', { name: 'Add agent…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add an agent' });
      const agent = dialog.getByRole('form', { name: 'Add an agent' });
      await agent.getByLabel('Kind').selectOption('coding');
      // Text fields and choices of one row: one top, one height.
      const row = await boxesOf(agent, ['Capacity', 'Cost per task', 'Review', 'Tool calls']);
      expect(new Set(row.map((b) => b.top)).size, JSON.stringify(row)).toBe(1);
      expect(new Set(row.map((b) => b.height)).size, JSON.stringify(row)).toBe(1);
      // The same in the fold, whose labels are as long as its fields' names get.
      await agent.locator('summary', { hasText: 'More coding settings' }).click();
      const fold = await boxesOf(agent, [
        'Model server URL (optional)',
        'API key secret (optional)',
        'Program (optional)',
        'Model (optional)',
      ]);
      expect(new Set(fold.map((b) => b.top)).size, JSON.stringify(fold)).toBe(1);
      await agent.getByLabel('Kind').selectOption('http');
      // The callback checkbox sits on the line of the row's text fields.
      const [url] = await boxesOf(agent, ['URL']);
      const check = (await agent.getByLabel('Offer a callback URL (else polled)').boundingBox())!;
      expect(Math.abs(check.y + check.height / 2 - (url!.top + url!.height / 2))).toBeLessThanOrEqual(3);
      for (const scheme of ['light', 'dark'] as const) {
        await expectReadableIn(page, scheme, { width });
        await page.screenshot({ path: join(shots, `form-fields-agent-${width}-${scheme}.png`) });
      }
      await agent.getByLabel('Kind').selectOption('echo');
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.count()).toBe(0);
      await go('Plans');
    });
  }
});
