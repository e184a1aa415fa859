import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// Draft from a goal: the sentence is the plan's goal, the id is whole words, and the tasks
// get skills the registered agents have; a step none can do names the closest agent.
describe.skipIf(skipE2e)('a plan drafted from a goal sentence', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('scope', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'scout', skills: ['research', 'web_search'] },
        { id: 'mailer', skills: ['email'] },
      ],
    });
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const draft = async (goal: string) => {
    await page.getByRole('button', { name: 'New plan…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New plan' });
    await dialog.getByLabel('Goal').fill(goal);
    await dialog.getByRole('button', { name: 'Draft from goal' }).click();
    await page.getByRole('heading', { name: 'New plan' }).waitFor();
  };
  const checks = () => page.getByRole('region', { name: 'Checks' });

  it("fills Goal with the sentence, names the plan with its start, and uses the agents' skills", async () => {
    const goal =
      'Research the best ultralight laptops for travelling engineers and draft an email to john@example.com';
    await page.getByRole('button', { name: 'New plan…' }).click();
    // The dialog says where the skills will come from.
    await expect
      .poll(() => page.getByRole('dialog', { name: 'New plan' }).textContent())
      .toContain('Tasks get the skills your agents have (email, research, web_search)');
    await page.keyboard.press('Escape');
    await draft(goal);
    const plan = page.getByRole('form', { name: 'Plan' });
    expect(await plan.getByLabel('Goal').inputValue()).toBe(goal);
    expect(await plan.getByLabel('Name').inputValue()).toBe(
      'Research the best ultralight laptops for travelling…',
    );
    const id = await plan.getByLabel('Plan id').inputValue();
    expect(id).toBe('plan-research-the-best-ultralight-laptops-for');
    // Drafting an email is what the agent that has "email" does: nothing to fix.
    await expect.poll(() => checks().textContent()).toContain('ready to run');
    await page
      .getByRole('region', { name: 'Plan designer graph' })
      .getByRole('article', { name: 'Task task-002' })
      .click();
    const skills = page
      .getByRole('form', { name: 'Task task-002' })
      .getByRole('button', { name: /^Remove skill / });
    expect(await skills.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual([
      'Remove skill email',
    ]);
    await page.screenshot({ path: join(shots, 'scope-draft.png') });
    // Nothing was edited since the draft: Discard leaves at once.
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'New plan' }).count()).toBe(0);
  });

  it('names the closest agent for a skill no agent has, or says none comes close', async () => {
    await draft('summarize the research papers, then book a flight');
    const notice = page.getByRole('status').filter({ hasText: 'A complex request' });
    await expect
      .poll(() => notice.textContent())
      .toContain(
        'task-001 needs summarization, which no registered agent has; the closest is scout (research, web_search)',
      );
    expect(await notice.textContent()).toContain(
      'task-002 needs purchase, which no registered agent has, nor anything close',
    );
    expect(await checks().textContent()).toContain('2 to fix');
  });

  it('asks before Escape drops a typed goal: "Keep editing" keeps it, "Discard" closes and it opens empty', async () => {
    const dialog = page.getByRole('dialog', { name: 'New plan' });
    const question = dialog.getByRole('group', { name: 'Discard your changes?' });
    const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);
    // Untouched: Escape closes at once.
    await page.getByRole('button', { name: 'New plan…' }).click();
    await dialog.getByLabel('Goal').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);

    await page.getByRole('button', { name: 'New plan…' }).click();
    await dialog.getByLabel('Goal').fill('plan the offsite');
    await page.keyboard.press('Escape');
    await question.waitFor();
    const keep = question.getByRole('button', { name: 'Keep editing' });
    await expect.poll(() => isFocused(keep)).toBe(true);
    await keep.click();
    expect(await question.count()).toBe(0);
    expect(await dialog.getByLabel('Goal').inputValue()).toBe('plan the offsite');
    // Escape, then Escape again: back to the goal, still typed.
    await page.keyboard.press('Escape');
    await question.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => question.count()).toBe(0);
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.getByLabel('Goal').inputValue()).toBe('plan the offsite');
    // Cancel asks too; "Discard" closes, and the dialog opens again empty.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await question.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await page.getByRole('button', { name: 'New plan…' }).click();
    expect(await dialog.getByLabel('Goal').inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  });
});
