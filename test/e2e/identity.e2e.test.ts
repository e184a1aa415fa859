import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// One identity, asked once and changed from one place, is what every record of a person uses:
// approvals, cancels, and whose tasks My tasks lists (with its own entry and count).
describe.skipIf(skipE2e)('who you are', () => {
  let baton: Baton;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    baton = await launchBaton('identity', { width: 1400, height: 860 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'ana', name: 'Ana', kind: 'human', skills: ['review'] },
        {
          id: 'sleeper',
          kind: 'command',
          skills: ['wait'],
          command: process.execPath,
          args: ['-e', "setTimeout(() => console.log('::result {}'), 60000)"],
        },
        { id: 'w', skills: ['x'] },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'mixed',
        tasks: [
          { task_id: 'read', description: 'Read the notes', required_skills: ['review'] },
          { task_id: 'nap', description: 'Wait a while', required_skills: ['wait'] },
          { task_id: 'gate', description: 'Ship it', required_skills: ['x'], requires_approval: true },
          { task_id: 'gate2', description: 'Ship it again', required_skills: ['x'], requires_approval: true },
        ],
      },
    });
    runId = ((await baton.rpc('runs.start', { plan_id: 'mixed' })).value as { run_id: string }).run_id;
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const nav = () => page.getByRole('navigation', { name: 'Sections' });
  const who = () => page.getByRole('dialog', { name: 'Who are you?' });

  it('gives My tasks its own entry, which counts your tasks once you say who you are', async () => {
    await nav().getByRole('link', { name: 'My tasks' }).click();
    const mine = page.getByRole('region', { name: 'My tasks' });
    await expect.poll(() => mine.textContent()).toContain('Say who you are to see your tasks: Ana');
    // The one place to change who you are: the bottom of the sidebar.
    await page.getByRole('button', { name: 'Say who you are' }).click();
    await who().getByRole('radio', { name: /Ana/ }).check();
    await page.screenshot({ path: join(shots, 'identity-dialog.png') });
    await who().getByRole('button', { name: 'I am Ana' }).click();
    await expect.poll(() => nav().getByRole('link', { name: 'My tasks, 1 waiting' }).isVisible()).toBe(true);
    expect(await mine.getByRole('row', { name: 'Task read to take' }).isVisible()).toBe(true);
    expect(await page.getByText('You are Ana').isVisible()).toBe(true);
  });

  it('records your name on approvals and cancels without asking again, also after a reload', async () => {
    await page.reload();
    await expect.poll(() => page.getByText('You are Ana').isVisible()).toBe(true);
    await nav()
      .getByRole('link', { name: /^Approvals/ })
      .click();
    const card = page.getByRole('region', { name: 'Approval for gate', exact: true });
    await card.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => card.count()).toBe(0);
    expect(await who().isVisible()).toBe(false);
    // No second place to type a name: the approvals page only says whose name it records.
    expect(await page.getByRole('textbox', { name: 'Your name' }).count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'I am' }).count()).toBe(0);

    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^mixed/ })
      .click();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task nap/ })
      .click();
    const details = page.getByRole('region', { name: 'Task nap details' });
    await details.getByRole('button', { name: 'Cancel task' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Cancel task nap?' });
    expect(await confirm.textContent()).toContain('cancelled by Ana');
    await confirm.getByRole('button', { name: 'Yes, cancel the task' }).click();
    await expect.poll(() => details.textContent()).toContain('Cancelled');
    const audit = async () =>
      (await baton.rpc('audit.list', { run_id: runId })).value as unknown as {
        entity: string;
        entity_id: string;
        actor: string;
        to_status: string | null;
      }[];
    expect(
      (await audit()).find(
        (e) => e.entity === 'task' && e.entity_id === 'nap' && e.to_status === 'cancelled',
      ),
    ).toMatchObject({ actor: 'Ana' });
    // The approval is sent once its undo window is over.
    await expect
      .poll(async () => (await audit()).find((e) => e.entity === 'approval' && e.to_status === 'approved'))
      .toMatchObject({ actor: 'Ana' });
  });

  it('asks a newcomer once, and records nothing when they do not answer', async () => {
    const context = await baton.browser.newContext({ viewport: { width: 1400, height: 860 } });
    try {
      const other = await context.newPage();
      await other.goto(baton.server.url);
      await other
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: /^Approvals/ })
        .click();
      const card = other.getByRole('region', { name: 'Approval for gate2' });
      await card.getByRole('button', { name: 'Approve' }).click();
      const dialog = other.getByRole('dialog', { name: 'Who are you?' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('Approving gate2');
      // A typed name is not dropped without asking: Escape asks, "Keep editing" keeps it.
      await dialog.getByRole('radio', { name: 'Someone else' }).check();
      await dialog.getByLabel('Your name').fill('Bo');
      await other.keyboard.press('Escape');
      const question = dialog.getByRole('group', { name: 'Discard your changes?' });
      await question.getByRole('button', { name: 'Keep editing' }).click();
      expect(await dialog.getByLabel('Your name').inputValue()).toBe('Bo');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await question.getByRole('button', { name: 'Discard' }).click();
      await expect.poll(() => dialog.count()).toBe(0);
      // Not answered: nothing is decided.
      expect(await card.isVisible()).toBe(true);
      const pending = (await baton.rpc('approvals.list', { status: 'pending' }))
        .value as unknown as unknown[];
      expect(pending).toHaveLength(1);
    } finally {
      await context.close();
    }
  });
});
