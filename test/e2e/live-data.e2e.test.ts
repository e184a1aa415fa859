/// <reference lib="dom" />
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../kit/webhook-receiver.ts';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

declare global {
  interface Window {
    /** The contract methods this page called over its WebSocket, in order (counted by the test). */
    __calls: string[];
  }
}

/**
 * Counts every contract call the page sends over its WebSocket (the browser transport's only
 * way to ask the host), before the app's own code runs.
 */
function countCalls(): void {
  window.__calls = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data) {
    if (typeof data === 'string') {
      try {
        const call = JSON.parse(data) as { method?: unknown };
        if (typeof call.method === 'string') window.__calls.push(call.method);
      } catch {
        // not a call
      }
    }
    send.call(this, data);
  };
}

// The screens follow what other clients do (another tab, the CLI, a program over the API) from
// the events the host pushes, with what each event carries: nothing is listed again after one.
describe.skipIf(skipE2e)('screens live from pushed events', () => {
  let baton: Baton;
  let page: Page;
  let rpc: Baton['rpc'];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  /** The calls the page made since the last `resetCalls`. */
  const calls = () => page.evaluate(() => window.__calls);
  const resetCalls = () => page.evaluate(() => (window.__calls = []));
  const section = (name: string) =>
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
  const pending = async () =>
    (await rpc('approvals.list', { status: 'pending' })).value as unknown as {
      id: string;
      task_id: string;
    }[];

  beforeAll(async () => {
    // The signing secret, as a person sets it for baton serve (the child process inherits it).
    process.env.BATON_SECRET_HOOK_KEY = SECRET;
    receiver = await startReceiver(SECRET);
    baton = await launchBaton('live-data', { width: 1440, height: 900 });
    ({ page, rpc } = baton);
    await rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await rpc('plans.import', {
      plan: {
        plan_id: 'release',
        tasks: [
          { task_id: 'build', description: 'Build it', required_skills: ['x'] },
          {
            task_id: 'deploy',
            description: 'Deploy to production',
            required_skills: ['x'],
            requires_approval: true,
            depends_on: ['build'],
          },
        ],
      },
    });
    await page.addInitScript(countCalls);
    await page.goto(baton.server.url);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /release/ })
      .waitFor();
  });
  afterAll(async () => {
    delete process.env.BATON_SECRET_HOOK_KEY;
    await baton?.close();
    await receiver?.close();
  });

  it('shows an approval asked elsewhere, and drops one decided elsewhere, without listing the inbox again', async () => {
    await section('Approvals');
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    await page.getByText('Nothing waits for a decision.', { exact: false }).waitFor();
    await resetCalls();

    // A run started by another client asks for an approval: its card comes with the event,
    // with the plan, the task's description and what its dependency produced.
    await rpc('runs.start', { plan_id: 'release' });
    const card = page.getByRole('region', { name: 'Approval for deploy' });
    await card.waitFor();
    expect(await card.textContent()).toContain('Deploy to production');
    const dep = card.getByRole('list', { name: 'Dependencies of deploy' }).getByRole('listitem', {
      name: 'Dependency build',
    });
    expect(await dep.locator('.dep-head').textContent()).toBe('builddone');
    expect(await card.getByRole('link', { name: 'release' }).count()).toBe(1);
    await page.screenshot({ path: join(shots, 'live-approval-asked.png') });

    // Decided by someone else (the API, as the CLI or another tab would): the card goes.
    const [asked] = await pending();
    const decided = await rpc('approvals.decide', {
      approval_id: asked!.id,
      decision: 'approve',
      actor: 'someone else',
    });
    expect(decided.ok).toBe(true);
    await expect.poll(() => card.count()).toBe(0);
    await page.getByText('Nothing waits for a decision.', { exact: false }).waitFor();
    // The run went on and ended (its tasks' events came meanwhile).
    await expect.poll(async () => (await baton.runsOf('release'))[0]?.status).toBe('completed');
    const made = await calls();
    expect(
      made.filter((m) => m === 'approvals.list'),
      `calls: ${made.join(', ')}`,
    ).toEqual([]);
  });

  it('lists a webhook, its deliveries and a worker token added or changed by another client, as they happen', async () => {
    await section('Settings');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByText('No webhooks yet.', { exact: false }).waitFor();
    await page.getByText('No deliveries yet.', { exact: false }).waitFor();
    await resetCalls();

    const added = await rpc('webhooks.add', {
      id: 'ops',
      url: receiver.url,
      events: ['run.started', 'run.ended'],
      secret_name: 'hook_key',
    });
    expect(added.ok).toBe(true);
    const hooks = page.getByRole('table', { name: 'Webhooks' });
    const row = hooks.getByRole('row', { name: /^ops/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Run started, Run ended');

    // Changed elsewhere: the row follows.
    await rpc('webhooks.update', {
      id: 'ops',
      url: receiver.url,
      events: ['run.started', 'run.ended'],
      secret_name: 'hook_key',
      format: 'slack',
    });
    await expect.poll(() => row.textContent()).toContain('Slack text');

    // A run's deliveries show as they are made and sent, with no reading of the log again.
    await rpc('runs.start', { plan_id: 'release' });
    const log = page.getByRole('table', { name: 'Delivery log' });
    const runStarted = log.getByRole('row').filter({ hasText: 'Run started' });
    await expect.poll(() => runStarted.textContent()).toMatch(/delivered1200/);
    await page.screenshot({ path: join(shots, 'live-webhooks.png'), fullPage: true });

    await rpc('webhooks.remove', { webhook_id: 'ops' });
    await expect.poll(() => row.count()).toBe(0);
    await page.getByText('No webhooks yet.', { exact: false }).waitFor();
    let made = await calls();
    expect(
      made.filter((m) => m === 'webhooks.list' || m === 'webhooks.deliveries'),
      `calls: ${made.join(', ')}`,
    ).toEqual([]);

    // Worker tokens: made and revoked over the API, shown and marked here.
    await page.getByRole('tab', { name: 'Worker tokens' }).click();
    await page.getByText('No worker tokens yet.').waitFor();
    await resetCalls();
    const token = await rpc('workers.tokens.create', { name: 'build box' });
    expect(token.ok).toBe(true);
    const tokenRow = page
      .getByRole('table', { name: 'Worker tokens' })
      .getByRole('row', { name: /build box/ });
    await tokenRow.waitFor();
    const { token: created } = token.value as { token: { id: string } };
    await rpc('workers.tokens.revoke', { token_id: created.id });
    await tokenRow.getByText(/^Revoked /).waitFor();
    await page.screenshot({ path: join(shots, 'live-worker-tokens.png'), fullPage: true });
    made = await calls();
    expect(
      made.filter((m) => m === 'workers.tokens.list'),
      `calls: ${made.join(', ')}`,
    ).toEqual([]);
  });

  it("lists a plan's schedules and triggers added, changed or removed by another client, as they happen", async () => {
    await section('Plans');
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /release/ })
      .click();
    await page.getByRole('tab', { name: 'Schedules' }).click();
    await page.getByText('No schedules for this plan yet.').waitFor();
    await resetCalls();

    await rpc('schedules.add', { id: 'nightly', plan_id: 'release', cron: '0 2 * * *' });
    const schedule = page.getByRole('row', { name: 'Schedule nightly' });
    await schedule.waitFor();
    expect(await schedule.textContent()).toMatch(/active/);
    await rpc('schedules.setEnabled', { schedule_id: 'nightly', enabled: false });
    await expect.poll(() => schedule.textContent()).toMatch(/paused/);
    await page.screenshot({ path: join(shots, 'live-schedules.png'), fullPage: true });
    await rpc('schedules.remove', { schedule_id: 'nightly' });
    await expect.poll(() => schedule.count()).toBe(0);
    let made = await calls();
    expect(
      made.filter((m) => m === 'schedules.list'),
      `calls: ${made.join(', ')}`,
    ).toEqual([]);

    await page.getByRole('tab', { name: 'Triggers' }).click();
    await page.getByText('No triggers for this plan yet.').waitFor();
    await resetCalls();
    await rpc('triggers.add', { id: 'ci', plan_id: 'release' });
    const trigger = page.getByRole('table', { name: 'Triggers' }).getByRole('row', { name: /^ci/ });
    await trigger.waitFor();
    expect(await trigger.textContent()).toContain('/api/triggers/ci');
    await page.screenshot({ path: join(shots, 'live-triggers.png'), fullPage: true });
    await rpc('triggers.remove', { trigger_id: 'ci' });
    await expect.poll(() => trigger.count()).toBe(0);
    made = await calls();
    expect(
      made.filter((m) => m === 'triggers.list'),
      `calls: ${made.join(', ')}`,
    ).toEqual([]);
  });
});
