import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

describe.skipIf(skipE2e)('the plan designer', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('designer', { width: 1400, height: 860 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'researcher', skills: ['research'] }] });
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const graph = () => page.getByRole('region', { name: 'Plan designer graph' });
  const checks = () => page.getByRole('region', { name: 'Checks' });

  it('drafts a plan from a goal sentence and flags what will go wrong', async () => {
    await page.getByRole('button', { name: 'New plan…' }).click();
    await page.getByLabel('Goal').fill('research best laptops and draft email to john@example.com');
    await page.getByRole('button', { name: 'Draft from goal' }).click();
    await expect.poll(() => graph().getByRole('article').count()).toBe(2);
    expect(await page.getByRole('status').first().textContent()).toContain('complex request: 2 tasks');
    const text = await checks().textContent();
    expect(text).toContain('1 to fix');
    expect(text).toContain('task-002: no agent has all of: communication');
  });

  it('refuses a dependency that would make a cycle, with a message', async () => {
    const from = graph().getByRole('article', { name: 'Task task-002' }).locator('.react-flow__handle-right');
    const to = graph().getByRole('article', { name: 'Task task-001' }).locator('.react-flow__handle-left');
    const a = (await from.boundingBox())!;
    const b = (await to.boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
    await page.mouse.up();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Not connected: that would make a cycle: task-001 → task-002 → task-001');
    // The one dependency there is drawn as an arrow into the task that waits.
    expect(await graph().locator('.react-flow__edge path[marker-end]').count()).toBe(1);
  });

  it('edits a task in the side panel with inline validation, and undoes and redoes', async () => {
    await graph().getByRole('article', { name: 'Task task-002' }).click();
    const form = page.getByRole('form', { name: 'Task task-002' });
    // The task being edited is marked in the graph.
    const card = graph().locator('.react-flow__node[data-id="task-002"]');
    await expect.poll(() => card.getAttribute('class')).toContain('selected');
    expect(await card.locator('.task-node').evaluate((el) => getComputedStyle(el).boxShadow)).toContain(
      '0px 0px 0px 3px',
    );
    await form.getByLabel('Deadline (ISO 8601)').fill('next week');
    await form.getByLabel('Deadline (ISO 8601)').press('Enter');
    await expect.poll(() => form.textContent()).toContain('must be an ISO 8601 date-time');
    await form.getByLabel('Deadline (ISO 8601)').fill('');
    await form.getByLabel('Deadline (ISO 8601)').press('Enter');
    await form.getByLabel('Required skills').fill('research');
    await form.getByLabel('Required skills').press('Enter');
    await form.getByRole('button', { name: 'Remove skill communication' }).click();
    await expect.poll(() => checks().textContent()).toContain('ready to run');

    await page.getByRole('toolbar', { name: 'Designer' }).getByRole('button', { name: 'Add task' }).click();
    await expect.poll(() => graph().getByRole('article').count()).toBe(3);
    // It says what it did, and the new task is in view.
    expect(await page.getByRole('status').first().textContent()).toContain('Added task-003 after task-002');
    const area = (await graph().boundingBox())!;
    await expect
      .poll(async () => {
        const b = await graph().getByRole('article', { name: 'Task task-003' }).boundingBox();
        return (
          !!b &&
          b.x >= area.x &&
          b.x + b.width <= area.x + area.width &&
          b.y + b.height <= area.y + area.height
        );
      })
      .toBe(true);
    // Counted from the header: only the cards in view are rendered, and the view has moved.
    const tasks = () => page.getByText(/· \d+ tasks ·/).textContent();
    await page.keyboard.press('Control+z');
    await expect.poll(tasks).toContain('· 2 tasks ·');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(tasks).toContain('· 3 tasks ·');
    await page.getByRole('button', { name: 'Delete task' }).click();
    await expect.poll(tasks).toContain('· 2 tasks ·');
    await page.screenshot({ path: join(shots, 'designer.png') });
  });

  it('checks number fields as typed and a deadline when left, in plain words naming the field', async () => {
    await graph().getByRole('article', { name: 'Task task-002' }).click();
    const form = page.getByRole('form', { name: 'Task task-002' });
    const field = (label: string) => form.getByLabel(label, { exact: true });
    // As typed, before the field is left.
    await field('Timeout (s)').fill('abc');
    await expect
      .poll(() => form.textContent())
      .toContain('Timeout (s) must be a number of seconds, more than 0');
    await field('Estimated cost').fill('-3');
    await expect.poll(() => form.textContent()).toContain('Estimated cost must be a number of 0 or more');
    await field('Attempts').fill('0');
    await expect.poll(() => form.textContent()).toContain('Attempts must be a whole number from 1 to 20');
    // A deadline is checked when the field is left.
    await field('Deadline (ISO 8601)').fill('next friday');
    await field('Deadline (ISO 8601)').press('Tab');
    await expect
      .poll(() => form.textContent())
      .toContain('Deadline must be an ISO 8601 date-time, e.g. 2026-12-01T17:00:00Z');
    // What was typed stays as typed (not "NaN"), and the plan cannot run like this.
    expect(await field('Timeout (s)').inputValue()).toBe('abc');
    expect(await field('Timeout (s)').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => checks().textContent()).toContain('4 to fix');
    expect(await form.textContent()).not.toMatch(/Invalid input|Too small|received|NaN/);
    expect(await checks().textContent()).not.toMatch(/Invalid input|Too small|received|NaN/);
    await page.screenshot({ path: join(shots, 'designer-bad-inputs.png') });

    // Ctrl+S saves what the focused field holds; the host's refusal is in words too.
    await field('Timeout (s)').fill('xyz');
    await page.keyboard.press('Control+s');
    const alert = page.getByRole('alert').filter({ hasText: 'The plan was not saved' });
    await expect
      .poll(() => alert.textContent())
      .toContain('timeout_s: must be a number of seconds, more than 0');
    expect(await alert.textContent()).not.toMatch(/Invalid input|Too small|received null/);
    await alert.getByRole('button', { name: 'Dismiss' }).click();

    // Mending a field clears its error as it is typed.
    await field('Timeout (s)').fill('300');
    expect(await form.textContent()).not.toContain('Timeout (s) must');
    for (const label of ['Timeout (s)', 'Estimated cost', 'Attempts', 'Deadline (ISO 8601)']) {
      await field(label).fill('');
      await field(label).press('Enter');
    }
    await expect.poll(() => checks().textContent()).toContain('ready to run');
  });

  it('saves the plan as a version and shows it', async () => {
    await graph()
      .locator('.react-flow__pane')
      .click({ position: { x: 30, y: 30 } });
    const plan = page.getByRole('form', { name: 'Plan' });
    await plan.getByLabel('Plan id').fill('laptops');
    await plan.getByLabel('Plan id').press('Enter');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await expect
      .poll(() => page.getByRole('heading', { name: /Research best laptops/ }).isVisible())
      .toBe(true);
    expect(await page.getByText('laptops · version 1 · 2 tasks').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Run plan' }).click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Run status: completed' }).isVisible())
      .toBe(true);
  });

  it('sends an agents file imported as a plan to the Agents screen', async () => {
    const file = join(baton.dataDir, 'agents-as-plan.json');
    writeFileSync(file, JSON.stringify({ agents: [{ id: 'writer', skills: ['write'] }] }));
    await page.getByLabel('Plan file', { exact: true }).setInputFiles(file);
    const alert = page.getByRole('alert').filter({ hasText: 'Could not import agents-as-plan.json' });
    await expect
      .poll(() => alert.textContent())
      .toContain('This looks like an agents file (it has agents, no tasks) — import it on the Agents screen');
    expect(await alert.textContent()).not.toMatch(/Invalid input|Unrecognized key/);
    await page.screenshot({ path: join(shots, 'import-agents-as-plan.png') });
  });
});
