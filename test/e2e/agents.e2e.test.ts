import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

describe.skipIf(skipE2e)('the agents screen', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('agents-ui');
    page = baton.page;
    await page.goto(baton.server.url);
    await page.getByRole('button', { name: 'Agents', exact: true }).click();
  });
  afterAll(() => baton?.close());

  it('adds an agent, naming the bad field when input is wrong', async () => {
    const form = page.getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Id').fill('bad id!');
    for (const skill of ['write', 'review']) {
      await form.getByLabel('Skills', { exact: true }).fill(skill);
      await form.getByLabel('Skills', { exact: true }).press('Enter');
    }
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => form.textContent()).toContain('may contain only letters, digits and . _ : @ -');
    await form.getByLabel('Id').fill('scribe');
    await form.getByRole('button', { name: 'Add agent' }).click();
    const table = page.getByRole('table', { name: 'Agents' });
    await expect.poll(() => table.getByRole('row', { name: /scribe/ }).isVisible()).toBe(true);
    expect(await table.getByRole('row', { name: /scribe/ }).textContent()).toContain('review');
  });

  it('adds an llm agent naming its secret, not holding it', async () => {
    const form = page.getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Kind').selectOption('llm');
    await form.getByLabel('Id').fill('local-llama');
    await form.getByLabel('Model').fill('llama3.1');
    await form.getByLabel('Secret name (never the value)').fill('ollama.key');
    await form.getByRole('button', { name: 'Add agent' }).click();
    const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /local-llama/ });
    await expect.poll(() => row.textContent()).toContain('llm');
  });

  it('adds an http agent with a cancel URL and callbacks off, naming a bad cancel URL first', async () => {
    const form = page.getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Kind').selectOption('http');
    await form.getByLabel('Id').fill('summarizer-svc');
    await form.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:4810/tasks');
    await form.getByLabel('Cancel URL (optional)').fill('/jobs/{job}/cancel');
    await form.getByLabel('Offer a callback URL (else polled)').uncheck();
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => form.textContent()).toContain('may hold only the placeholders');
    await form.getByLabel('Cancel URL (optional)').fill('/jobs/{delegation_task_id}/cancel');
    await form.getByRole('button', { name: 'Add agent' }).click();
    const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /summarizer-svc/ });
    await expect.poll(() => row.textContent()).toContain('http');
    const agents = (await baton.rpc('agents.list', {})).value as unknown as { id: string }[];
    expect(agents.find((a) => a.id === 'summarizer-svc')).toMatchObject({
      kind: 'http',
      callback: false,
      cancel_url: '/jobs/{delegation_task_id}/cancel',
    });
  });

  it('sets an agent AWAY and back', async () => {
    const status = page.getByLabel('Status of scribe');
    await status.selectOption('AWAY');
    await expect.poll(() => status.inputValue()).toBe('AWAY');
    await page.reload();
    await page.getByRole('button', { name: 'Agents', exact: true }).click();
    await expect.poll(() => page.getByLabel('Status of scribe').inputValue()).toBe('AWAY');
    await page.getByLabel('Status of scribe').selectOption('ONLINE');
    await expect.poll(() => page.getByLabel('Status of scribe').inputValue()).toBe('ONLINE');
    expect(await page.getByRole('img', { name: 'Attempts per agent' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, 'agents.png') });
  });

  it('says where secrets live in browser mode instead of storing them', async () => {
    const form = page.getByRole('form', { name: 'Secrets' });
    expect(await form.textContent()).toContain('BATON_SECRET_<NAME>');
    await form.getByLabel('Name').fill('api.key');
    await form.getByLabel('Value').fill('sk-123');
    await form.getByRole('button', { name: 'Store secret' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The secret was not stored' });
    await expect.poll(() => alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toContain('only in the desktop app');
  });

  it('keeps projects with goal, phase, budget and spend', async () => {
    await page.getByRole('button', { name: 'Projects', exact: true }).click();
    const form = page.getByRole('form', { name: 'Project' });
    await form.getByLabel('Id').fill('onboarding');
    await form.getByLabel('Name').fill('Onboarding');
    await form.getByLabel('Goal').fill('Get the new team productive');
    await form.getByLabel('Budget').fill('abc');
    await form.getByRole('button', { name: 'Save project' }).click();
    await expect.poll(() => form.textContent()).toContain('must be a number');
    await form.getByLabel('Budget').fill('50');
    await form.getByRole('button', { name: 'Save project' }).click();
    const row = page.getByRole('table', { name: 'Projects' }).getByRole('row', { name: /Onboarding/ });
    await expect.poll(() => row.textContent()).toContain('Get the new team productive');
    expect(await row.textContent()).toContain('50');
  });
});
