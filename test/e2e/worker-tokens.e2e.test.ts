import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

describe.skipIf(skipE2e)('Settings → Worker tokens', () => {
  let baton: Baton;
  let page: Page;
  let base: URL;

  beforeAll(async () => {
    baton = await launchBaton('worker-tokens', { width: 1440, height: 900 });
    page = baton.page;
    base = new URL('/', baton.server.url);
    await page.goto(baton.server.url);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  });
  afterAll(async () => {
    await baton?.close();
  });

  /** A worker's heartbeat with this token, as `baton worker` sends it. */
  const heartbeat = async (token: string) => {
    const res = await fetch(new URL('/api/v1/workers/e2e-worker/heartbeat', base), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ held: [] }),
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
  };

  it('creates a token shown once with the command to copy, which a worker can use, and revokes it', async () => {
    await page.getByRole('tab', { name: 'Worker tokens' }).click();
    await page.getByText('No worker tokens yet.').waitFor();
    const form = page.getByRole('form', { name: 'Create a worker token' });
    await form.getByRole('button', { name: 'Create worker token' }).click();
    await expect
      .poll(() => form.locator('label', { hasText: 'Name' }).locator('.field-error').textContent())
      .toMatch(/name the token/);
    await form.getByRole('textbox', { name: /^Name/ }).fill('lab box');
    await form.getByRole('button', { name: 'Create worker token' }).click();

    const shown = page.getByRole('region', { name: 'Worker token lab box created' });
    const token = await shown.getByRole('textbox', { name: 'Token' }).inputValue();
    expect(token).toMatch(/^bwk_[A-Za-z0-9_-]{40,}$/);
    const command = await shown.getByRole('textbox', { name: /Command/ }).inputValue();
    // The worker reaches Baton where this page does.
    expect(command).toBe(`BATON_TOKEN=${token} baton worker --server ${base.href} --agents agents.json`);

    // The token opens the worker API, and only it; the page's own token goes on working. The
    // first registration binds it to its worker; before that it acts as no worker.
    expect((await heartbeat(token)).status).toBe(403);
    const registered = await fetch(new URL('/api/v1/workers/e2e-worker/register', base), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ agents: [{ id: 'e2e-echo', kind: 'echo', skills: ['e2e'] }] }),
    });
    expect(registered.status).toBe(200);
    expect((await heartbeat(token)).status).toBe(200);
    const rpc = await fetch(new URL('/api/rpc/runs.list', base), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(rpc.status).toBe(403);

    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await expect.poll(() => shown.count()).toBe(0);
    const table = page.getByRole('table', { name: 'Worker tokens' });
    const row = table.getByRole('row', { name: /lab box/ });
    await row.waitFor();
    // Shown only once: nowhere on the page now.
    expect(await page.content()).not.toContain(token);
    // Its last use shows once the list is read again (the heartbeat above).
    await page.getByRole('tab', { name: 'Webhooks' }).click();
    await page.getByRole('tab', { name: 'Worker tokens' }).click();
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).not.toBe('never');
    // The worker the token speaks for, since it registered.
    expect(await row.getByRole('cell').nth(0).textContent()).toBe('e2e-worker');

    for (const scheme of ['light', 'dark'] as const) {
      await expectReadableIn(page, scheme);
      await page.screenshot({ path: join(shots, `worker-tokens-${scheme}.png`), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await row.getByRole('button', { name: 'Revoke lab box' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Revoke worker token lab box?' });
    await ask.getByRole('button', { name: 'Revoke', exact: true }).click();
    await row.getByText(/^Revoked /).waitFor();
    expect(await row.getByRole('button', { name: 'Revoke lab box' }).count()).toBe(0);
    const refused = await heartbeat(token);
    expect(refused.status).toBe(401);
    expect(refused.body.error?.code).toBe('token_revoked');
  });
});
