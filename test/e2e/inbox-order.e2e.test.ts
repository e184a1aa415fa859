import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

const HOUR = 60 * 60 * 1000;

// A long Approvals queue narrowed by plan and kind, as a review queue's filters, and My tasks in
// the order a queue is read: the longest waiting first, or the soonest due.
describe.skipIf(skipE2e)('the inbox in order', () => {
  let baton: Baton;
  let page: Page;

  /** Starts a plan's run and waits until `task` of it waits for a person (or a decision). */
  const startAndWait = async (planId: string, check: () => Promise<boolean>) => {
    await baton.rpc('runs.start', { plan_id: planId });
    for (let tries = 0; !(await check()); tries++) {
      if (tries > 500) throw new Error(`the run of ${planId} did not get there`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const pendingCount = async () =>
    ((await baton.rpc('approvals.list', { status: 'pending' })).value as unknown as unknown[]).length;
  const readyFor = async (agentId: string) =>
    ((await baton.rpc('work.inbox', { agent_id: agentId })).value as { ready: unknown[] }).ready.length;

  beforeAll(async () => {
    baton = await launchBaton('inbox-order', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'w', skills: ['x'] },
        { id: 'ana', name: 'Ana', kind: 'human', skills: ['review'] },
      ],
    });
    const gate = (task_id: string) => ({
      task_id,
      description: `Gate ${task_id}`,
      required_skills: ['x'],
      requires_approval: true,
    });
    await baton.rpc('plans.import', {
      plan: { plan_id: 'release', name: 'Release', tasks: [gate('ship'), gate('announce')] },
    });
    // A budget of 1 and a task that costs 5: it waits over budget; the gate beside it costs nothing.
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'costly',
        name: 'Costly',
        budget: 1,
        tasks: [
          { task_id: 'big', description: 'Spend a lot', required_skills: ['x'], estimated_cost: 5 },
          gate('sign'),
        ],
      },
    });
    await startAndWait('release', async () => (await pendingCount()) === 2);
    await startAndWait('costly', async () => (await pendingCount()) === 4);
    await page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  const nav = (name: RegExp) =>
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name });
  const cards = () =>
    page.getByRole('region', { name: 'Pending approvals' }).getByRole('listitem', { name: /^Approval for / });
  const kinds = () =>
    page.getByRole('group', { name: 'Approval filters' }).getByRole('group', { name: 'Kind' });
  const kind = (name: string) => kinds().getByRole('button', { name: new RegExp(`^${name} \\d+$`) });

  it('counts the approvals of each kind and narrows the queue to one kind', async () => {
    await nav(/^Approvals/).click();
    await expect.poll(() => cards().count()).toBe(4);
    // Every kind is offered, with how many wait of it (0 too, so the row reads the same each time).
    await expect
      .poll(() => kinds().getByRole('button').allTextContents())
      .toEqual([
        'All 4',
        'Approval required 3',
        'Over budget 1',
        'Escalated 0',
        'Diff review 0',
        'Tool call 0',
        'Merge conflict 0',
        'Sandbox host 0',
      ]);
    expect(await kind('All').getAttribute('aria-pressed')).toBe('true');
    await kind('Over budget').click();
    await expect.poll(() => cards().count()).toBe(1);
    expect(await cards().first().getAttribute('aria-label')).toBe('Approval for big');
    expect(await kind('Over budget').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('heading', { name: /^Waiting for a decision/ }).textContent()).toBe(
      'Waiting for a decision (1 of 4)',
    );
    await page.screenshot({ path: join(shots, 'approvals-filtered.png') });
  });

  it('narrows by plan too, each count saying what picking it shows, and keeps the filters', async () => {
    const plan = page.getByRole('group', { name: 'Approval filters' }).getByLabel('Plan');
    // Over budget is chosen: Release has none of those, Costly one (named as the sidebar names them).
    await expect
      .poll(() => plan.getByRole('option').allTextContents())
      .toEqual(['any (1)', 'Costly (1)', 'Release (0)']);
    await plan.selectOption('release');
    await expect.poll(() => cards().count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Pending approvals' }).textContent()).toContain(
      'No approval waiting matches the filters.',
    );
    // Within Release the kinds count its approvals: its two gates.
    expect(await kind('Approval required').textContent()).toBe('Approval required 2');
    await kind('Approval required').click();
    await expect.poll(() => cards().count()).toBe(2);
    // Kept while another screen is open, as the other screens' filters are.
    await nav(/^Runs/).click();
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
    await nav(/^Approvals/).click();
    await expect.poll(() => cards().count()).toBe(2);
    expect(await plan.inputValue()).toBe('release');
    expect(await kind('Approval required').getAttribute('aria-pressed')).toBe('true');
    expect((await cards().evaluateAll((l) => l.map((c) => c.getAttribute('aria-label')))).sort()).toEqual([
      'Approval for announce',
      'Approval for ship',
    ]);
    await kind('All').click();
    await plan.selectOption('');
    await expect.poll(() => cards().count()).toBe(4);
  });

  it('says on the empty My tasks what it is for and how a task gets there, across the page', async () => {
    await page.getByRole('button', { name: 'Say who you are' }).click();
    const who = page.getByRole('dialog', { name: 'Who are you?' });
    await who.getByRole('radio', { name: /Ana/ }).check();
    await who.getByRole('button', { name: 'I am Ana' }).click();
    await nav(/^My tasks/).click();
    const mine = page.getByRole('region', { name: 'My tasks' });
    const note = mine.getByRole('note', { name: 'Nothing waits for you' });
    await note.waitFor();
    expect(await note.textContent()).toContain('My tasks is where a plan');
    const steps = note.getByRole('list', { name: 'How a task gets here' }).getByRole('listitem');
    expect(await steps.count()).toBe(3);
    const texts = await steps.allTextContents();
    expect(texts[0]).toContain('it needs review');
    expect(texts[1]).toContain('Its run reaches it');
    expect(texts[2]).toContain('Ana takes it and answers');
    // The steps stand side by side, and the note takes the inbox's width, not a column of it.
    const [first, second, box, inbox] = await Promise.all([
      steps.nth(0).boundingBox(),
      steps.nth(1).boundingBox(),
      note.boundingBox(),
      mine.boundingBox(),
    ]);
    expect(second!.x).toBeGreaterThan(first!.x + first!.width);
    expect(Math.abs(second!.y - first!.y)).toBeLessThan(2);
    expect(box!.width).toBeGreaterThan(inbox!.width * 0.85);
    await page.screenshot({ path: join(shots, 'my-tasks-empty-steps.png') });
  });

  it('lists the tasks to take longest waiting first, and soonest due first from the Due header', async () => {
    const review = (task_id: string, more: Record<string, unknown>) => ({
      task_id,
      description: `Review ${task_id}`,
      required_skills: ['review'],
      ...more,
    });
    await baton.rpc('plans.import', {
      plan: { plan_id: 'early', tasks: [review('old-low', { priority: 'LOW' })] },
    });
    // Newer, and first in the host's order (a higher priority, deadlines): not first in the queue.
    const soon = new Date(Date.now() + HOUR).toISOString();
    const later = new Date(Date.now() + 48 * HOUR).toISOString();
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'late',
        tasks: [
          review('new-high', { priority: 'CRITICAL', deadline: later }),
          review('new-due', { priority: 'HIGH', deadline: soon }),
        ],
      },
    });
    await startAndWait('early', async () => (await readyFor('ana')) === 1);
    // A moment apart, so the two runs' tasks became ready at different instants.
    await new Promise((r) => setTimeout(r, 50));
    await startAndWait('late', async () => (await readyFor('ana')) === 3);
    const table = page.getByRole('table', { name: 'Tasks to take' });
    const order = () =>
      table
        .getByRole('row', { name: /to take$/ })
        .evaluateAll((rows) =>
          rows.map((r) => r.getAttribute('aria-label')?.replace(/^Task | to take$/g, '')),
        );
    await expect.poll(() => order()).toHaveLength(3);
    expect((await order())[0]).toBe('old-low');
    const waiting = table.getByRole('columnheader', { name: /^Waiting since/ });
    const due = table.getByRole('columnheader', { name: /^Due/ });
    expect(await waiting.getAttribute('aria-sort')).toBe('ascending');
    await due.getByRole('button').click();
    await expect.poll(() => order()).toEqual(['new-due', 'new-high', 'old-low']);
    expect(await due.getAttribute('aria-sort')).toBe('ascending');
    expect(await waiting.getAttribute('aria-sort')).toBe('none');
    // The row says when it is due, relative, the exact time on hover; a task without a deadline says none.
    const row = table.getByRole('row', { name: 'Task new-due to take' });
    expect(await row.getByRole('cell').nth(4).textContent()).toMatch(/^in (59|60) min$|^in 1 h$/);
    expect(
      await table.getByRole('row', { name: 'Task old-low to take' }).getByRole('cell').nth(4).textContent(),
    ).toBe('none');
    await page.screenshot({ path: join(shots, 'my-tasks-by-due.png') });
    await waiting.getByRole('button').click();
    await expect.poll(async () => (await order())[0]).toBe('old-low');
  });
});
