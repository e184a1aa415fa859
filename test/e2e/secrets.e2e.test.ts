import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../kit/webhook-receiver.ts';
import type { Baton } from './harness.ts';
import { launchBaton, shots as SHOTS_ROOT, skipE2e } from './harness.ts';
import { expectReadableAtWidths } from './readability.ts';

// A signing secret as Standard Webhooks mints them; set from the UI, never in Baton's environment.
const SECRET = `whsec_${Buffer.from('the secrets e2e key, 32 bytes ok').toString('base64')}`;
const OTHER = 'tok-set-from-the-webhook-form-42';

const plan = {
  plan_id: 'report',
  tasks: [{ task_id: 'gather', description: 'gather the numbers', required_skills: ['x'] }],
};

describe.skipIf(skipE2e)('secrets set from the UI in browser mode; webhooks and schedules in words', () => {
  let baton: Baton;
  let page: Page;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** Every WebSocket frame the page received from the host. */
  const frames: string[] = [];

  beforeAll(async () => {
    receiver = await startReceiver(SECRET);
    baton = await launchBaton('secrets', { width: 1440, height: 900 });
    page = baton.page;
    page.on('websocket', (ws) =>
      ws.on('framereceived', (f) =>
        frames.push(typeof f.payload === 'string' ? f.payload : f.payload.toString()),
      ),
    );
    await baton.rpc('agents.import', {
      agents: [
        { id: 'w', skills: ['x'] },
        // Names a secret nobody has set yet.
        {
          id: 'caller',
          skills: ['y'],
          kind: 'command',
          command: 'true',
          env: { TOKEN: '{secret:gh.token}' },
        },
      ],
    });
    await baton.rpc('plans.import', { plan });
    await page.goto(baton.server.url);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /report/ })
      .waitFor();
  });
  afterAll(async () => {
    await baton?.close();
    await receiver?.close();
  });

  const settings = async (tab: string) => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByRole('tab', { name: tab }).click();
  };
  const shoot = async (name: string) => {
    const dismiss = page.getByRole('button', { name: 'Dismiss', exact: true });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    await expectReadableAtWidths(page, name, SHOTS_ROOT);
  };

  it('sets a secret in Settings, and a webhook naming it sends signed deliveries at once: no restart, the value never sent back', async () => {
    await settings('Secrets');
    const panel = page.getByRole('tabpanel', { name: 'Secrets' });
    // Browser mode has no OS keychain: the page says how the value is kept.
    await expect
      .poll(() => panel.getByRole('note', { name: 'Where secrets are kept' }).textContent())
      .toMatch(/a file only you can read.*not encrypted: this machine has no keychain Baton can use/);
    const form = page.getByRole('form', { name: 'Set a secret' });
    await form.getByRole('textbox', { name: 'Name' }).fill('hook_key');
    const value = form.getByLabel('Value');
    expect(await value.getAttribute('type')).toBe('password');
    await value.fill(SECRET);
    await form.getByRole('button', { name: 'Set secret' }).click();
    const row = panel.getByRole('table', { name: 'Secrets' }).getByRole('row', { name: /hook_key/ });
    await expect.poll(() => row.textContent()).toMatch(/Stored by Baton/);
    expect(await value.inputValue()).toBe('');
    expect(statSync(join(baton.dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);

    await page.getByRole('tab', { name: 'Webhooks' }).click();
    const hook = page.getByRole('form', { name: 'Add a webhook' });
    await hook.getByRole('textbox', { name: /^Id/ }).fill('ops');
    await hook.getByRole('textbox', { name: /^URL/ }).fill(receiver.url);
    // The names set are offered.
    const offered = await hook
      .locator('datalist option')
      .evaluateAll((os) => os.map((o) => o.getAttribute('value')));
    expect(offered).toContain('hook_key');
    await hook.getByRole('combobox', { name: /^Signing secret/ }).fill('hook_key');
    await hook.getByRole('checkbox', { name: 'Run started' }).check();
    await hook.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByRole('table', { name: 'Webhooks' }).getByRole('row', { name: /^ops/ }).waitFor();

    // The host that was started before the secret existed signs with it now.
    expect((await baton.rpc('runs.start', { plan_id: 'report' })).ok).toBe(true);
    await expect.poll(() => receiver.received.length).toBeGreaterThanOrEqual(1);
    const first = receiver.received[0]!;
    expect(first.verified).toMatchObject({ ok: true, body: { type: 'run.started' } });

    // The value never comes back: not in the list's answer, not in any frame the page got.
    const listed = await baton.rpc('secrets.list', {});
    expect(listed.ok).toBe(true);
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.some((f) => f.includes(SECRET))).toBe(false);

    await page.getByRole('tab', { name: 'Secrets' }).click();
    await expect.poll(() => row.textContent()).toMatch(/webhook ops/);
    // A name an agent uses that nobody set: said so, with who needs it, and set from its row.
    const missing = panel.getByRole('table', { name: 'Secrets' }).getByRole('row', { name: /gh\.token/ });
    expect(await missing.textContent()).toMatch(/Not set.*agent caller/);
    await missing.getByRole('button', { name: 'Set gh.token' }).click();
    expect(await form.getByRole('textbox', { name: 'Name' }).inputValue()).toBe('gh.token');
    await expect.poll(() => value.evaluate((el) => el === document.activeElement)).toBe(true);
    await shoot('ui-secrets-panel');
  });

  it('a webhook names a secret that is not set: the error says so under the field, and it is set without leaving the form', async () => {
    await settings('Webhooks');
    const hook = page.getByRole('form', { name: 'Add a webhook' });
    await hook.getByRole('textbox', { name: /^URL/ }).fill(receiver.url);
    await hook.getByRole('combobox', { name: /^Signing secret/ }).fill('deploy_key');
    await hook.getByRole('button', { name: 'Add webhook' }).click();
    const error = hook.locator('label', { hasText: 'Signing secret' }).locator('.field-error');
    await expect
      .poll(() => error.textContent())
      .toMatch(/set a secret named "deploy_key" first, or pick one/);
    expect(await hook.textContent()).not.toMatch(/webhooks\.add|secrets\.set/);

    await hook.getByRole('button', { name: 'Set it now' }).click();
    const now = hook.getByRole('group', { name: 'Set secret deploy_key' });
    const value = now.getByLabel('Value of deploy_key');
    expect(await value.getAttribute('type')).toBe('password');
    await shoot('ui-secrets-webhook-set-now');
    await value.fill(OTHER);
    await now.getByRole('button', { name: 'Set', exact: true }).click();
    await now.waitFor({ state: 'detached' });
    await hook.getByRole('button', { name: 'Add webhook' }).click();
    await expect.poll(() => error.textContent()).toBe('');
    const row = page
      .getByRole('table', { name: 'Webhooks' })
      .getByRole('row')
      .filter({ hasText: 'deploy_key' });
    await row.waitFor();
    expect(frames.some((f) => f.includes(OTHER))).toBe(false);
  });

  it('a Slack-format webhook needs no signing secret; a signed one still does', async () => {
    const hook = page.getByRole('form', { name: 'Add a webhook' });
    await hook.getByRole('textbox', { name: /^Id/ }).fill('chat');
    await hook.getByRole('textbox', { name: /^URL/ }).fill(`${receiver.url}/slack`);
    await hook.getByRole('combobox', { name: /^Signing secret/ }).fill('');
    await hook.getByRole('button', { name: 'Add webhook' }).click();
    const error = hook.locator('label', { hasText: 'Signing secret' }).locator('.field-error');
    await expect.poll(() => error.textContent()).toMatch(/needs a signing secret/);
    await hook.getByRole('radio', { name: /Slack/ }).check();
    await hook.getByRole('button', { name: 'Add webhook' }).click();
    const row = page.getByRole('table', { name: 'Webhooks' }).getByRole('row', { name: /^chat/ });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Slack text/);
    expect(await row.textContent()).toMatch(/none/);
  });

  it('a schedule reads in words, in the zone picked, with that zone on its next fires; a bad cron is said in words', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Plans' }).click();
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /report/ })
      .click();
    await page.getByRole('tab', { name: 'Schedules' }).click();
    const form = page.getByRole('form', { name: 'Add a schedule' });
    const cron = form.getByRole('textbox', { name: 'Cron expression' });
    await cron.fill('61 9 * * 1-5');
    const cronError = form.locator('label', { hasText: 'Cron expression' }).locator('.field-error');
    await expect.poll(() => cronError.textContent()).toBe('Minute: 61 is not 0–59');
    expect(await cron.getAttribute('aria-invalid')).toBe('true');

    await cron.fill('0 9 * * 1-5');
    await form.getByRole('combobox', { name: 'Time zone' }).selectOption('Europe/Paris');
    const words = form.getByRole('status', { name: 'In words' });
    await expect.poll(() => words.textContent()).toBe('Every weekday at 09:00, Paris time');
    const fires = form.getByRole('status', { name: 'Next fire times' });
    await expect.poll(() => fires.textContent()).toMatch(/^Next fires \(Europe\/Paris\): .*09:00 GMT\+[12]/);
    expect(await cronError.textContent()).toBe('');

    await form.getByRole('textbox', { name: /^Id/ }).fill('morning');
    await form.getByRole('button', { name: 'Add schedule' }).click();
    const row = page.getByRole('row', { name: 'Schedule morning' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Every weekday at 09:00, Paris time');
    const next = row.getByRole('list', { name: 'Next fires of morning' }).getByRole('listitem');
    expect(await next.count()).toBe(3);
    for (const t of await next.allTextContents()) expect(t).toMatch(/09:00 GMT\+[12]/);
    await shoot('ui-secrets-schedules');
  });
});
