import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../kit/engine-kit.ts';
import type { Baton } from './harness.ts';
import { launchBaton, shots as SHOTS_ROOT, skipE2e } from './harness.ts';

/** Where this file's screenshots go, to be looked at. */
const shots = join(SHOTS_ROOT, 'inbox');

interface Listed {
  id: string;
  run_id: string;
  task_id: string;
  status: string;
}

// The inbox's second round, as a person who reviews in bulk meets it: who or what started each
// run, a cost without float dust, the order chosen and kept in the address, several gates
// decided at once with one comment (one decided elsewhere meanwhile reported, the others
// decided), and the decided ones with who, when and why, kept live.
describe.skipIf(skipE2e)('the inbox: decided, bulk, started by, order', () => {
  let baton: Baton;
  let page: Page;
  let holdEvents = false;
  const held: string[] = [];
  let release = () => {};

  const pending = async (): Promise<Listed[]> =>
    (await baton.rpc('approvals.list', { status: 'pending' })).value as unknown as Listed[];
  /** Starts a run of `plan` by `actor` and waits for its gate to be asked. */
  const gate = async (plan: string, actor: string, taskId: string) => {
    await baton.rpc('runs.start', { plan_id: plan, actor });
    await eventually(
      async () => (await pending()).some((a) => a.task_id === taskId),
      10_000,
      `${taskId} asked`,
    );
  };
  const inbox = () => page.getByRole('region', { name: 'Pending approvals' });
  const card = (task: string) => inbox().getByRole('listitem', { name: `Approval for ${task}`, exact: true });
  /** The approval of `task` in full beside the list, once its row is pressed. */
  const detail = async (task: string) => {
    await card(task).getByRole('button').click();
    const shown = inbox().getByRole('region', { name: `Approval for ${task}`, exact: true });
    await shown.waitFor();
    return shown;
  };
  const titles = () => inbox().locator('.approval-list > li .row-task').allTextContents();

  /** Screenshots at 1440 and 1024 wide, light and dark, to be looked at; nothing past the right edge. */
  const shootAll = async (name: string) => {
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 1000 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(shots, `${name}-${width}-${scheme}.png`) });
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 1000 });
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    baton = await launchBaton('inbox-decided', { width: 1440, height: 1000 });
    page = baton.page;
    // The host's pushed events can be held back (a slow network): a decision made elsewhere
    // then reaches the page only after the person has acted on what they saw.
    await page.routeWebSocket(/\/ws|socket/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((m) => {
        if (holdEvents && typeof m === 'string' && m.startsWith('{"events":')) held.push(m);
        else ws.send(m);
      });
      release = () => {
        for (const m of held.splice(0)) ws.send(m);
      };
    });
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
    );
    await baton.rpc('agents.import', {
      agents: [
        { id: 'w', skills: ['x'] },
        { id: 'seat', kind: 'human', skills: ['code'] },
      ],
    });
    const gated = (plan_id: string, task_id: string, description: string, estimated_cost = 0) => ({
      plan: {
        plan_id,
        tasks: [{ task_id, description, required_skills: ['x'], requires_approval: true, estimated_cost }],
      },
    });
    await baton.rpc(
      'plans.import',
      gated('release', 'deploy', 'Deploy to production', 0.0012000000000000001),
    );
    await baton.rpc('plans.import', gated('nightly', 'backup', 'Back up the database'));
    await baton.rpc('plans.import', gated('docs', 'publish', 'Publish the docs'));
    await baton.rpc('plans.import', gated('mail', 'send', 'Send the newsletter'));
    await baton.rpc('plans.import', {
      plan: { plan_id: 'seat', tasks: [{ task_id: 'edit', description: 'Edit', required_skills: ['code'] }] },
    });
    // Asked in this order, oldest first: deploy, backup, publish, send.
    await gate('release', 'Bea', 'deploy');
    await gate('nightly', 'schedule', 'backup');
    await gate('docs', 'cli', 'publish');
    await gate('mail', 'trigger', 'send');
    // A tool call asked inside an attempt, as a coding CLI's permission prompt asks it.
    const run = (await baton.rpc('runs.start', { plan_id: 'seat' })).value as unknown as { run_id: string };
    await baton.rpc('work.execute', { agent_id: 'seat', run_id: run.run_id, task_id: 'edit' });
    await baton.rpc('inbox.ask', {
      run_id: run.run_id,
      task_id: 'edit',
      attempt: 1,
      question: { kind: 'tool_call', call_id: 'toolu_1', tool: 'Write', input: { file_path: '/w/a.txt' } },
    });
    await page.goto(baton.server.url);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: /^Approvals/ })
      .click();
    await card('edit').waitFor();
  });
  afterAll(() => baton?.close());

  it('says on each card who or what started its run, and its cost without float dust', async () => {
    await expect.poll(async () => (await detail('deploy')).textContent()).toContain('· started by Bea ·');
    expect(await (await detail('backup')).textContent()).toContain('· started by a schedule ·');
    expect(await (await detail('publish')).textContent()).toContain('· started from the command line ·');
    expect(await (await detail('send')).textContent()).toContain(
      '· started by a trigger (an incoming call) ·',
    );
    const text = await (await detail('deploy')).textContent();
    expect(text).toContain('cost 0.0012 ·');
    expect(text).not.toContain('0.00120000');
  });

  it('orders what waits oldest or newest first, the order kept in the address and on reload', async () => {
    // By default what unblocks the most work leads; none of these blocks any: oldest first among equals.
    expect(await inbox().getByLabel('Order').inputValue()).toBe('blocking');
    expect(await titles()).toEqual(['deploy', 'backup', 'publish', 'send', 'edit']);
    await inbox().getByLabel('Order').selectOption('newest');
    await expect.poll(titles).toEqual(['edit', 'send', 'publish', 'backup', 'deploy']);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('newest');
    await page.reload();
    await expect.poll(titles).toEqual(['edit', 'send', 'publish', 'backup', 'deploy']);
    expect(await inbox().getByLabel('Order').inputValue()).toBe('newest');
    await inbox().getByLabel('Order').selectOption('oldest');
    await expect.poll(titles).toEqual(['deploy', 'backup', 'publish', 'send', 'edit']);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('oldest');
    await inbox().getByLabel('Order').selectOption('blocking');
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBeNull();
  });

  it('offers a checkbox only on gates, reachable from the keyboard, with a name saying what it picks', async () => {
    expect(await card('edit').getByRole('checkbox').count()).toBe(0);
    const pick = card('deploy').getByRole('checkbox', { name: 'Select deploy to decide with others' });
    await pick.focus();
    await page.keyboard.press('Space');
    expect(await pick.isChecked()).toBe(true);
    const bar = inbox().getByRole('region', { name: 'Decide several at once' });
    expect(await bar.getByRole('button', { name: 'Approve 1' }).isVisible()).toBe(true);
    const all = bar.getByRole('checkbox', { name: 'Select all 4 that can be decided together' });
    await all.check();
    expect(await bar.getByRole('button', { name: 'Approve 4' }).isVisible()).toBe(true);
    await all.uncheck();
    expect(await bar.getByRole('button', { name: /^Approve \d/ }).count()).toBe(0);
  });

  it('approves several with one comment, and says which one was decided elsewhere meanwhile', async () => {
    for (const task of ['deploy', 'backup', 'publish']) await card(task).getByRole('checkbox').check();
    const bar = inbox().getByRole('region', { name: 'Decide several at once' });
    await bar.getByLabel('Comment for all 3').fill('Release window is open');
    await shootAll('bulk');
    // Someone else decides one of them; this page hears of it only after the bulk decision.
    holdEvents = true;
    const backup = (await pending()).find((a) => a.task_id === 'backup')!;
    await baton.rpc('approvals.decide', { approval_id: backup.id, decision: 'approve', actor: 'Cy' });
    await bar.getByRole('button', { name: 'Approve 3' }).click();
    // Sent now rather than after the undo window, so the held events are released after it.
    await page
      .getByRole('status', { name: 'Decision: Approving 3 approvals' })
      .getByRole('button', { name: 'Send now' })
      .click();
    const outcome = inbox().getByRole('status', { name: 'Bulk decision' });
    await outcome.waitFor();
    holdEvents = false;
    release();
    const said = (await outcome.textContent()) ?? '';
    expect(said).toContain('Approved 2 of 3 approvals. Not decided:');
    expect(await outcome.getByRole('listitem').allTextContents()).toEqual([
      `backup: approval "${backup.id}" was already approved by Cy`,
    ]);
    await page.screenshot({ path: join(shots, 'bulk-outcome-1440-light.png') });
    await expect.poll(titles).toEqual(['send', 'edit']);
    const left = await pending();
    expect(left.map((a) => a.task_id).sort()).toEqual(['edit', 'send']);
  });

  it('lists the decided ones newest first with who, when, the decision and why, at an address of their own', async () => {
    await page
      .getByRole('navigation', { name: 'Approvals lists' })
      .getByRole('link', { name: 'Decided' })
      .click();
    expect(new URL(page.url()).searchParams.get('show')).toBe('decided');
    const decided = page.getByRole('region', { name: 'Decided approvals' });
    const cards = decided.getByRole('listitem');
    await expect.poll(() => cards.count()).toBe(3);
    const deploy = decided.getByRole('listitem', { name: 'Decision on deploy' });
    expect(await deploy.textContent()).toMatch(/Approved by Ana · (just now|\d+ min ago)/);
    expect(await deploy.getByLabel('Why deploy was approved').textContent()).toBe('Release window is open');
    expect(await decided.getByRole('listitem', { name: 'Decision on backup' }).textContent()).toContain(
      'Approved by Cy',
    );
    // Newest first: Cy decided backup before Ana's bulk decision.
    expect((await cards.last().getAttribute('aria-label')) ?? '').toBe('Decision on backup');
    await page.screenshot({ path: join(shots, 'decided-1440-light.png') });
  });

  it('takes in a decision made elsewhere at the top, without a reload', async () => {
    const send = (await pending()).find((a) => a.task_id === 'send')!;
    await baton.rpc('approvals.decide', {
      approval_id: send.id,
      decision: 'reject',
      actor: 'Dee',
      comment: 'Not on a Friday',
    });
    const decided = page.getByRole('region', { name: 'Decided approvals' });
    const first = decided.getByRole('listitem').first();
    await expect.poll(() => first.getAttribute('aria-label')).toBe('Decision on send');
    expect(await first.textContent()).toContain('Rejected by Dee');
    expect(await first.getByLabel('Why send was rejected').textContent()).toBe('Not on a Friday');
  });

  it('keeps the tab on reload, and Back goes to the list of what waits', async () => {
    await page.reload();
    const decided = page.getByRole('region', { name: 'Decided approvals' });
    await expect.poll(() => decided.getByRole('listitem').count()).toBe(4);
    await page.goBack();
    await inbox().waitFor();
    expect(new URL(page.url()).searchParams.get('show')).toBeNull();
    await expect.poll(titles).toEqual(['edit']);
  });

  it('is drawn at 1440 and 1024, light and dark, without anything past the right edge', async () => {
    await page
      .getByRole('navigation', { name: 'Approvals lists' })
      .getByRole('link', { name: 'Decided' })
      .click();
    await page.getByRole('region', { name: 'Decided approvals' }).getByRole('listitem').first().waitFor();
    await shootAll('decided');
  });

  it("shows a decided task's cost in its run without float dust", async () => {
    const deploy = page.getByRole('listitem', { name: 'Decision on deploy' });
    await deploy.getByRole('link', { name: 'deploy', exact: true }).click();
    const detail = page.getByRole('region', { name: 'Task deploy details' });
    await expect.poll(async () => (await detail.textContent()) ?? '').toContain('Cost0.0012');
    expect(await detail.textContent()).not.toContain('0.00120000');
  });
});
