import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../kit/webhook-receiver.ts';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const plan = {
  plan_id: 'report',
  run_inputs: { region: { type: 'string', required: true } },
  tasks: [{ task_id: 'gather', description: 'gather the numbers', required_skills: ['x'] }],
};

describe.skipIf(skipE2e)('reach screens: webhooks, schedules, triggers', () => {
  let baton: Baton;
  let page: Page;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    // The signing secret, as a person sets it for baton serve (the child process inherits it).
    process.env.BATON_SECRET_HOOK_KEY = SECRET;
    receiver = await startReceiver(SECRET);
    baton = await launchBaton('reach', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await baton.rpc('plans.import', { plan });
    await page.goto(baton.server.url);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /report/ })
      .waitFor();
  });
  afterAll(async () => {
    delete process.env.BATON_SECRET_HOOK_KEY;
    await baton?.close();
    await receiver?.close();
  });

  const section = (name: string) =>
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
  const shoot = async (name: string) => {
    // The screen itself, without the toasts its actions left.
    const dismiss = page.getByRole('button', { name: 'Dismiss', exact: true });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ['light', 'dark'] as const) {
        await expectReadableIn(page, scheme, { name, width });
        await page.screenshot({ path: join(shots, `reach-${name}-${width}-${scheme}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  };

  it('adds a webhook (its refusals under their fields), logs a delivery to a real receiver, and sends it again', async () => {
    await section('Settings');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'Add a webhook' });
    // Each field keeps a line for its error before there is one (a short error moves nothing).
    const reserved = await form
      .locator('label', { hasText: 'URL' })
      .locator('.field-message')
      .evaluate((el) => el.getBoundingClientRect().height);
    expect(reserved).toBeGreaterThanOrEqual(12);
    await form.getByRole('textbox', { name: /^URL/ }).fill('ftp://example.com/hook');
    await form.getByLabel('Signing secret', { exact: false }).fill('missing_key');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const errorOf = (label: string) => form.locator('label', { hasText: label }).locator('.field-error');
    await expect.poll(() => errorOf('URL').textContent()).toMatch(/http\(s\) URL/);

    await form.getByRole('textbox', { name: /^URL/ }).fill(receiver.url);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await expect
      .poll(() => errorOf('Signing secret').textContent())
      .toMatch(/set a secret named "missing_key" first, or pick one/);
    expect(await errorOf('URL').textContent()).toBe('');

    await form.getByRole('textbox', { name: /^Id/ }).fill('ops');
    await form.getByLabel('Signing secret', { exact: false }).fill('hook_key');
    await form.getByRole('checkbox', { name: 'Run started' }).check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const row = page.getByRole('table', { name: 'Webhooks' }).getByRole('row', { name: /^ops/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Run started, Run ended, Approval waiting');

    const started = await baton.rpc('runs.start', { plan_id: 'report', inputs: { region: 'eu' } });
    expect(started.ok).toBe(true);
    // The first thing Baton has to tell (the run ends) brings the offer to ask the browser, once.
    const prompt = page.getByRole('region', { name: 'Notifications' });
    await prompt.waitFor();
    expect(await prompt.textContent()).toMatch(
      /Be told when Baton needs you\?.*approval or a task waits for you/,
    );
    await page.screenshot({ path: join(shots, 'reach-notification-prompt.png') });
    await prompt.getByRole('button', { name: 'Not now' }).click();
    await prompt.waitFor({ state: 'detached' });
    const log = page.getByRole('table', { name: 'Delivery log' });
    const runStarted = log.getByRole('row').filter({ hasText: 'Run started' });
    await expect.poll(() => runStarted.textContent()).toMatch(/delivered/);
    expect(await runStarted.textContent()).toMatch(/delivered1200/);
    await expect.poll(() => receiver.received.length).toBeGreaterThanOrEqual(2);
    const first = receiver.received.find(
      (r) => (r.verified.ok ? (r.verified.body as { type: string }).type : '') === 'run.started',
    )!;
    expect(first.verified.ok).toBe(true);

    // Send again: the same delivery (same webhook-id) goes out once more, and the log counts it.
    const before = receiver.received.length;
    await runStarted.getByRole('button', { name: /Send .* again/ }).click();
    await expect.poll(() => receiver.received.length).toBe(before + 1);
    expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(first.headers['webhook-id']);
    await expect.poll(() => runStarted.textContent()).toMatch(/delivered2200/);

    // Edit: Slack format, kept under the same id with its log.
    await row.getByRole('button', { name: 'Edit ops' }).click();
    const edit = page.getByRole('form', { name: 'Edit webhook ops' });
    await edit.getByRole('radio', { name: /Slack-compatible/ }).check();
    await edit.getByRole('button', { name: 'Save webhook' }).click();
    await expect.poll(() => row.textContent()).toContain('Slack text');
    expect(await log.getByRole('row').count()).toBeGreaterThan(1);
    await shoot('webhooks');
    // Not asked again: another run ends, and the offer stays away.
    await baton.rpc('runs.start', { plan_id: 'report', inputs: { region: 'us' } });
    await expect.poll(() => log.getByRole('row').count()).toBeGreaterThan(4);
    expect(await prompt.count()).toBe(0);
  });

  it('adds a schedule to a plan and shows its next fire times in its zone; pauses it', async () => {
    await section('Plans');
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /report/ })
      .click();
    await page.getByRole('tab', { name: 'Schedules' }).click();
    const form = page.getByRole('form', { name: 'Add a schedule' });
    await form.getByLabel('Cron expression').fill('every day');
    await expect
      .poll(() => form.locator('label', { hasText: 'Cron expression' }).locator('.field-error').textContent())
      .toMatch(/a cron expression has 5/);
    await form.getByLabel('Cron expression').fill('30 9 * * *');
    await form.getByLabel('Time zone').selectOption('Europe/Paris');
    await expect
      .poll(() => form.getByRole('status', { name: 'Next fire times' }).textContent())
      .toMatch(/^Next fires \(Europe\/Paris\): .*9:30/);
    // The plan needs its region: a schedule without it is refused under Run inputs.
    await form.getByLabel('Run inputs (JSON)').fill('{}');
    await form.getByRole('button', { name: 'Add schedule' }).click();
    const inputsError = form.locator('label', { hasText: 'Run inputs' }).locator('.field-error');
    await expect.poll(() => inputsError.textContent()).toMatch(/^inputs\.region/);
    await form.getByLabel('Run inputs (JSON)').fill('{"region": "eu"}');
    await form.getByRole('textbox', { name: /^Id/ }).fill('morning');
    await form.getByRole('button', { name: 'Add schedule' }).click();
    const row = page.getByRole('row', { name: 'Schedule morning' });
    await row.waitFor();
    const fires = row.getByRole('list', { name: 'Next fires of morning' }).getByRole('listitem');
    expect(await fires.count()).toBe(3);
    for (const t of await fires.allTextContents()) expect(t).toMatch(/9:30/);
    const stored = (await baton.rpc('schedules.list', { plan_id: 'report' })).value as unknown as {
      id: string;
      timezone: string;
      inputs: unknown;
    }[];
    expect(stored).toEqual([
      expect.objectContaining({ id: 'morning', timezone: 'Europe/Paris', inputs: { region: 'eu' } }),
    ]);
    await shoot('schedules');
    await row.getByRole('button', { name: 'Pause morning' }).click();
    await expect.poll(() => row.textContent()).toMatch(/paused/);
    await row.getByRole('button', { name: 'Resume morning' }).click();
    await expect.poll(() => row.textContent()).toMatch(/active/);
  });

  it('creates a trigger, shows its secret and curl once, and a call with it starts a run', async () => {
    await page.getByRole('tab', { name: 'Triggers' }).click();
    const form = page.getByRole('form', { name: 'Create a trigger' });
    await form.getByRole('textbox', { name: /^Id/ }).fill('ci');
    await form.getByLabel('Run inputs (JSON)').fill('{"region": "us"}');
    await form.getByRole('button', { name: 'Create trigger' }).click();
    const created = page.getByRole('region', { name: 'Trigger ci created' });
    await created.waitFor();
    const url = await created.getByRole('textbox', { name: 'URL', exact: true }).inputValue();
    const secret = await created.getByRole('textbox', { name: 'Secret', exact: true }).inputValue();
    const curl = await created.getByRole('textbox', { name: 'curl example' }).inputValue();
    expect(url).toBe(new URL('/api/triggers/ci', baton.server.url).href);
    expect(secret).toMatch(/^btr_/);
    expect(curl).toContain(url);
    await shoot('triggers');

    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(202);
    const { run_id } = (await res.json()) as { run_id: string };
    expect((await baton.runsOf('report')).map((r) => r.id)).toContain(run_id);

    // Once dismissed, the secret is nowhere on the page; the trigger is listed without it.
    await created.getByRole('button', { name: 'I have copied it' }).click();
    await created.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);
    const row = page.getByRole('table', { name: 'Triggers' }).getByRole('row', { name: /^ci/ });
    expect(await row.textContent()).toContain(`POST ${url}`);
  });
});
