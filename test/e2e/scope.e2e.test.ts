import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// Draft from a goal: the draft is reviewed in the dialog before anything is created — a small
// graph of its tasks (what runs side by side), each task's skill and how it was matched to one a
// registered agent has, all editable — and Create saves it and opens the designer on it.
describe.skipIf(skipE2e)('a plan drafted from a goal sentence', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('scope', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'scout', skills: ['research', 'web_search'] },
        { id: 'postie', skills: ['mail'] },
      ],
    });
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const dialog = () => page.getByRole('dialog', { name: 'New plan' });
  const draft = async (goal: string) => {
    await page.getByRole('button', { name: 'New plan…' }).click();
    await dialog().getByLabel('Goal').fill(goal);
    await dialog().getByRole('button', { name: 'Draft from goal' }).click();
    await dialog().getByRole('heading', { name: 'New plan: review the draft' }).waitFor();
  };
  const row = (taskId: string) =>
    dialog()
      .getByRole('table', { name: 'Drafted tasks' })
      .getByRole('row', { name: `Task ${taskId}` });
  const card = (taskId: string) =>
    dialog()
      .getByRole('region', { name: 'Draft preview' })
      .getByRole('article', { name: `Task ${taskId}` });
  const box = async (l: Locator) => (await l.boundingBox())!;

  it('shows a parallel goal as a graph with two tasks side by side, and the skills matched to what agents have', async () => {
    await page.getByRole('button', { name: 'New plan…' }).click();
    // The dialog says where the skills will come from.
    await expect
      .poll(() => dialog().textContent())
      .toContain('Tasks get the skills your agents have (mail, research, web_search)');
    await page.keyboard.press('Escape');
    await draft('research laptops and research phones, then write a comparison');
    expect(await dialog().getByLabel('Name').inputValue()).toBe('Research laptops and research phones');
    expect(await dialog().getByLabel('Plan id').inputValue()).toBe('research-laptops-and-phones');
    expect(await dialog().textContent()).toContain(
      'A complex request: 3 tasks, task-001 and task-002 side by side, then task-003',
    );
    // The two researches stand in one column, side by side; the comparison comes after both.
    await expect.poll(() => card('task-003').count()).toBe(1);
    const [one, two, three] = await Promise.all(
      ['task-001', 'task-002', 'task-003'].map((t) => box(card(t))),
    );
    expect(Math.abs(one!.x - two!.x)).toBeLessThan(2);
    expect(Math.abs(one!.y - two!.y)).toBeGreaterThan(one!.height - 1);
    expect(three!.x).toBeGreaterThan(one!.x + one!.width);
    // Each skill is one an agent has, with how it was matched.
    const skill = (taskId: string) => row(taskId).getByLabel(`Skill of ${taskId}`);
    expect(await skill('task-001').inputValue()).toBe('research');
    expect(await row('task-001').textContent()).toContain('research → research (scout)');
    expect(await skill('task-003').inputValue()).toBe('mail');
    expect(await row('task-003').textContent()).toContain('write → mail: what an agent calls it (postie)');
    expect(await row('task-003').getByLabel('task-003 after task-001').isChecked()).toBe(true);
    expect(await row('task-003').getByLabel('task-003 after task-002').isChecked()).toBe(true);
    // A dependency that would close a cycle is not offered.
    expect(await row('task-001').getByLabel('task-001 after task-003').isDisabled()).toBe(true);
    await page.screenshot({ path: join(shots, 'scope-draft-review.png') });
  });

  it('edits the draft, then creates it: the designer opens on the saved plan', async () => {
    await row('task-003').getByLabel('What task-003 does').fill('Write a comparison table');
    await dialog().getByLabel('Name').fill('Laptops or phones');
    // Another plan's id is refused before anything is sent.
    await baton.rpc('plans.import', {
      plan: { plan_id: 'taken', tasks: [{ task_id: 't', description: 'x', required_skills: [] }] },
    });
    await dialog().getByLabel('Plan id').fill('taken');
    await expect
      .poll(() => dialog().textContent())
      .toContain('A plan with the id taken exists already: choose another.');
    await dialog().getByLabel('Plan id').fill('has space');
    await expect
      .poll(() => dialog().textContent())
      .toContain('Plan id may contain only letters, digits and . _ : @ -.');
    expect(await dialog().getByRole('button', { name: 'Create plan' }).isDisabled()).toBe(true);
    await dialog().getByLabel('Plan id').fill('research-laptops-and-phones');
    await dialog().getByRole('button', { name: 'Create plan' }).click();
    await page.getByRole('heading', { name: 'Editing Laptops or phones' }).waitFor();
    expect(await dialog().count()).toBe(0);
    const stored = (await baton.rpc('plans.get', { plan_id: 'research-laptops-and-phones' })).value as {
      plan: {
        name: string;
        tasks: { task_id: string; description: string; required_skills: string[]; depends_on: string[] }[];
      };
    };
    expect(stored.plan.name).toBe('Laptops or phones');
    expect(stored.plan.tasks.map((t) => [t.task_id, t.description, t.required_skills, t.depends_on])).toEqual(
      [
        ['task-001', 'Research laptops', ['research'], []],
        ['task-002', 'Research phones', ['research'], []],
        ['task-003', 'Write a comparison table', ['mail'], ['task-001', 'task-002']],
      ],
    );
    // Every skill is one an agent has: the designer's checks find nothing to fix.
    await expect
      .poll(() => page.getByRole('region', { name: 'Checks' }).textContent())
      .toContain('ready to run');
    await page.screenshot({ path: join(shots, 'scope-created.png') });
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
  });

  it('drafts the same goal again under another id, and says plainly when no agent has anything close', async () => {
    await draft('research laptops and research phones, then book the cheapest one');
    expect(await dialog().getByLabel('Plan id').inputValue()).toBe('research-laptops-and-phones-2');
    // Nobody buys: no skill is made up; the row says so, and the person can pick one.
    expect(await row('task-003').getByLabel('Skill of task-003').inputValue()).toBe('');
    expect(await row('task-003').textContent()).toContain(
      'book: no agent has anything close: pick a skill an agent has, or register one',
    );
    await row('task-003').getByLabel('Skill of task-003').selectOption('mail');
    expect(await row('task-003').textContent()).toContain('chosen by you');
    // Back to the goal keeps it typed.
    await dialog().getByRole('button', { name: 'Back to the goal' }).click();
    expect(await dialog().getByLabel('Goal').inputValue()).toBe(
      'research laptops and research phones, then book the cheapest one',
    );
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog()
      .getByRole('group', { name: 'Discard your changes?' })
      .getByRole('button', { name: 'Discard' })
      .click();
    await expect.poll(() => dialog().count()).toBe(0);
  });

  it('asks before Escape drops a typed goal: "Keep editing" keeps it, "Discard" closes and it opens empty', async () => {
    const question = dialog().getByRole('group', { name: 'Discard your changes?' });
    const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);
    // Untouched: Escape closes at once.
    await page.getByRole('button', { name: 'New plan…' }).click();
    await dialog().getByLabel('Goal').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);

    await page.getByRole('button', { name: 'New plan…' }).click();
    await dialog().getByLabel('Goal').fill('plan the offsite');
    await page.keyboard.press('Escape');
    await question.waitFor();
    const keep = question.getByRole('button', { name: 'Keep editing' });
    await expect.poll(() => isFocused(keep)).toBe(true);
    await keep.click();
    expect(await question.count()).toBe(0);
    expect(await dialog().getByLabel('Goal').inputValue()).toBe('plan the offsite');
    // Escape, then Escape again: back to the goal, still typed.
    await page.keyboard.press('Escape');
    await question.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => question.count()).toBe(0);
    expect(await dialog().isVisible()).toBe(true);
    expect(await dialog().getByLabel('Goal').inputValue()).toBe('plan the offsite');
    // Cancel asks too; "Discard" closes, and the dialog opens again empty.
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await question.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
    await page.getByRole('button', { name: 'New plan…' }).click();
    expect(await dialog().getByLabel('Goal').inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);
  });
});
