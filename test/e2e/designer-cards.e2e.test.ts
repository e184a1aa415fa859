import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { flowViewport, launchBaton, shots, skipE2e } from './harness.ts';

// What the designer shows without opening a task, and what it offers as one is edited: badges
// on the cards, skills the agents have, only the dependencies that make no cycle, a find box.
describe.skipIf(skipE2e)('the plan designer, its cards and pickers', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('designer-cards', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'writer', skills: ['writing', 'research'] },
        { id: 'mailer', skills: ['email'] },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'newsletter',
        name: 'Newsletter',
        tasks: [
          {
            task_id: 'gather',
            description: 'Gather the news of the week from every team, with links to what they shipped',
            required_skills: ['research'],
            estimated_cost: 3,
            requires_approval: true,
          },
          {
            task_id: 'write',
            description: 'Write it',
            required_skills: ['writing'],
            depends_on: ['gather'],
            agent: 'writer',
            retry: { max_attempts: 3 },
          },
          {
            task_id: 'send',
            description: 'Send it',
            required_skills: ['email'],
            depends_on: ['write'],
            condition: { dependencies: { write: ['done', 'failed'] } },
            deadline: '2026-12-01T17:00:00Z',
          },
          { task_id: 'archive', description: 'Archive last week', required_skills: ['writing'] },
        ],
      },
    });
    await page.goto(baton.server.url);
    await page.getByRole('button', { name: 'Edit plan' }).click();
    await graph().getByRole('article', { name: 'Task send' }).waitFor();
  });
  afterAll(() => baton?.close());

  const graph = () => page.getByRole('region', { name: 'Plan designer graph' });
  const badges = (task: string) =>
    graph()
      .getByRole('list', { name: `Settings of ${task}` })
      .getByRole('listitem')
      .allTextContents();

  it('shows a small plan at a zoom its cards can be read at', async () => {
    // Four tasks in a 1440×900 window: not shrunk to fit the padding, at least READABLE.zoom.
    expect((await flowViewport(page)).zoom).toBeGreaterThanOrEqual(0.8);
    await page.screenshot({ path: join(shots, 'designer-cards.png') });
  });

  it('shows approval, cost, retries, a pinned agent, a condition and a deadline on the cards', async () => {
    expect(await badges('gather')).toEqual(['approval', 'cost 3']);
    // A card with badges shows one line of its description, cut with an ellipsis: no second line
    // showing past it (the description does not stretch to fill the card).
    const desc = graph().getByRole('article', { name: 'Task gather' }).locator('.task-desc');
    // Its height in lines of its font (a line is about 1.2 times the font size).
    const lines = await desc.evaluate(
      (el) => el.clientHeight / (1.25 * Number.parseFloat(getComputedStyle(el).fontSize)),
    );
    expect(lines).toBeLessThan(1.5);
    expect(await badges('write')).toEqual(['3 tries', 'pinned writer']);
    expect(await badges('send')).toEqual(['if…', 'deadline']);
    // A task with none of them has no badge list at all.
    expect(await graph().getByRole('list', { name: 'Settings of archive' }).count()).toBe(0);
    // Each says in words what it means.
    const condition = graph().getByRole('list', { name: 'Settings of send' }).getByRole('listitem').first();
    expect(await condition.getAttribute('title')).toContain('Runs only when');
    // A badge follows an edit in the panel.
    await graph().getByRole('article', { name: 'Task archive' }).click();
    const form = page.getByRole('form', { name: 'Task archive' });
    await form.getByLabel('Estimated cost', { exact: true }).fill('2');
    await form.getByLabel('Estimated cost', { exact: true }).press('Enter');
    await expect.poll(() => badges('archive')).toEqual(['cost 2']);
  });

  it('suggests the skills registered agents have, and warns of one nobody has', async () => {
    await graph().getByRole('article', { name: 'Task archive' }).click();
    const form = page.getByRole('form', { name: 'Task archive' });
    const skills = form.getByLabel('Required skills');
    const suggested = await skills.evaluate((el) =>
      [...((el as HTMLInputElement).list?.options ?? [])].map((o) => o.value),
    );
    // What the task already needs is not offered again.
    expect(suggested).toEqual(['email', 'research']);
    await skills.fill('reserch');
    await skills.press('Enter');
    const warnings = form.getByRole('list', { name: 'Skill warnings' });
    await expect
      .poll(() => warnings.textContent())
      .toContain('No registered agent has “reserch”; did you mean “research”?');
    await form.getByRole('button', { name: 'Remove skill reserch' }).click();
    await expect.poll(() => warnings.count()).toBe(0);
  });

  it('offers as dependencies only the tasks that would not make a cycle', async () => {
    await graph().getByRole('article', { name: 'Task gather' }).click();
    const form = page.getByRole('form', { name: 'Task gather' });
    const picker = form.getByRole('combobox', { name: 'Add dependency' });
    // write and send wait for gather (send through write): gather may wait only for archive.
    const offered = await picker.locator('option').allTextContents();
    expect(offered.filter((o) => !o.endsWith('…'))).toEqual(['archive']);
    await graph().getByRole('article', { name: 'Task archive' }).click();
    const archive = page
      .getByRole('form', { name: 'Task archive' })
      .getByRole('combobox', { name: 'Add dependency' });
    expect((await archive.locator('option').allTextContents()).filter((o) => !o.endsWith('…'))).toEqual([
      'gather',
      'write',
      'send',
    ]);
  });

  it('finds a task by part of its id, opens it and says when none matches', async () => {
    const find = graph().getByLabel('Find a task');
    await find.fill('nothing-like-it');
    await find.press('Enter');
    await expect
      .poll(() => graph().getByRole('status').textContent())
      .toContain('No task id contains “nothing-like-it”.');
    await find.fill('rit');
    await find.press('Enter');
    await page.getByRole('form', { name: 'Task write' }).waitFor();
    await expect
      .poll(() => graph().locator('.react-flow__node[data-id="write"]').getAttribute('class'))
      .toContain('selected');
  });
});
