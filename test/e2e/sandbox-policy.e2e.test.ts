import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots as SHOTS_ROOT, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/** Where the screenshots of this test go, to be looked at. */
const SHOTS = join(SHOTS_ROOT, 'sbui');

function gitRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# app\n');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
  return realpathSync(dir);
}

interface Policy {
  mode: string;
  network: { allow: string[] };
  write_allow: string[];
}

/**
 * The OS sandbox, seen and set from the screens: an agent's Sandbox fieldset saves its hosts and
 * folders (a wrong line named under its field), turning it off asks first and leaves a warning
 * badge on the row, and a workspace's policy shows on its row and is edited there.
 */
describe.skipIf(skipE2e)('sandbox policy in the Agents and Workspaces screens', () => {
  let baton: Baton;
  let page: Page;
  let tmp: string;
  let canRun: boolean;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'baton-sandbox-ui-'));
    mkdirSync(SHOTS, { recursive: true });
    baton = await launchBaton('sandbox-policy', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [{ id: 'tool', kind: 'command', skills: ['ops'], command: 'node', args: ['x.js'] }],
    });
    await baton.rpc('workspaces.add', { id: 'app', path: gitRepo(join(tmp, 'app')) });
    canRun = ((await baton.rpc('agents.sandbox', {})).value as { available: boolean }).available;
    await page.goto(baton.server.url);
    await nav('Agents').click();
    await page.getByRole('table', { name: 'Agents' }).waitFor();
  });
  afterAll(async () => {
    await baton?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });
  const agentForm = () => page.getByRole('form', { name: 'Edit agent tool' });
  const sandboxOf = () => agentForm().getByRole('group', { name: 'Sandbox' });
  const rowOf = (id: string) => page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: id });
  const agentPolicy = async () => {
    const listed = (await baton.rpc('agents.list', {})).value as unknown as {
      id: string;
      sandbox?: Policy;
    }[];
    return listed.find((a) => a.id === 'tool')?.sandbox ?? null;
  };
  const workspacePolicy = async () => {
    const listed = (await baton.rpc('workspaces.list', {})).value as unknown as { sandbox: Policy | null }[];
    return listed[0]?.sandbox ?? null;
  };

  it("saves an agent's hosts and extra folders from its Sandbox fieldset, naming a wrong line under its field", async () => {
    // Required, nothing listed: the row says it is sandboxed (or that no sandbox can run here).
    await expect
      .poll(() => rowOf('tool').locator('.sandbox-badge').textContent())
      .toBe(canRun ? 'sandboxed' : 'sandbox cannot run here');
    await page.getByRole('button', { name: 'Edit tool' }).click();
    await sandboxOf().waitFor();
    expect(await sandboxOf().getByLabel('Sandbox mode').inputValue()).toBe('required');
    await sandboxOf().getByLabel('Hosts it may reach').fill('registry.npmjs.org\nnot a host');
    await agentForm().getByRole('button', { name: 'Save agent' }).click();
    const hostsError = sandboxOf()
      .locator('label', { hasText: 'Hosts it may reach' })
      .locator('.field-error');
    await expect
      .poll(() => hostsError.textContent())
      .toMatch(/^Hosts it may reach, line 2: must be a host name/);
    expect(await agentPolicy()).toBeNull();

    await sandboxOf().getByLabel('Hosts it may reach').fill('registry.npmjs.org\n127.0.0.1:4873');
    await sandboxOf().getByLabel('Extra folders it may write').fill('~/.cache/pip');
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ['light', 'dark'] as const) {
        await expectReadableIn(page, scheme, { width });
        await sandboxOf().screenshot({ path: join(SHOTS, `agent-sandbox-${width}-${scheme}.png`) });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await agentForm().getByRole('button', { name: 'Save agent' }).click();
    await expect.poll(agentPolicy).toMatchObject({
      mode: 'required',
      network: { allow: ['registry.npmjs.org', '127.0.0.1:4873'] },
      write_allow: ['~/.cache/pip'],
    });
  });

  it('asks before turning the sandbox off; once off, the row and page wear a warning badge and the audit log has it', async () => {
    await page.getByRole('button', { name: 'Edit tool' }).click();
    await sandboxOf().waitFor();
    // The form shows the saved lists.
    expect(await sandboxOf().getByLabel('Hosts it may reach').inputValue()).toBe(
      'registry.npmjs.org\n127.0.0.1:4873',
    );
    const ask = sandboxOf().getByRole('alertdialog', { name: 'Turn the sandbox off?' });
    await sandboxOf().getByLabel('Sandbox mode').selectOption('off');
    await ask.waitFor();
    expect(await ask.textContent()).toContain('would run with your full rights');
    // "Keep the sandbox" keeps it required.
    await ask.getByRole('button', { name: 'Keep the sandbox' }).click();
    await expect.poll(() => ask.count()).toBe(0);
    expect(await sandboxOf().getByLabel('Sandbox mode').inputValue()).toBe('required');
    await sandboxOf().getByLabel('Sandbox mode').selectOption('off');
    await ask.getByRole('button', { name: 'Turn it off' }).click();
    const warning = sandboxOf().getByRole('note');
    expect(await warning.textContent()).toContain('runs with your full rights');
    await page.screenshot({ path: join(SHOTS, 'agent-sandbox-off-1440-light.png') });
    await agentForm().getByRole('button', { name: 'Save agent' }).click();
    await expect.poll(async () => (await agentPolicy())?.mode).toBe('off');
    // The hosts stay as they were.
    expect((await agentPolicy())?.network.allow).toEqual(['registry.npmjs.org', '127.0.0.1:4873']);
    const badge = rowOf('tool').locator('.sandbox-badge');
    await expect.poll(() => badge.textContent()).toBe('⚠ sandbox off');
    expect(await badge.getAttribute('title')).toContain('full rights');
    // Its page says why.
    await rowOf('tool').getByRole('link', { name: 'tool' }).click();
    const agentPage = page.getByRole('region', { name: 'Agent tool' });
    await agentPage.waitFor();
    expect(await agentPage.locator('.sandbox-why').textContent()).toContain('run with your full rights');
    const audit = (await baton.rpc('audit.list', { entity: 'agent' })).value as unknown as {
      entity_id: string;
      to_status: string;
    }[];
    expect(audit.filter((e) => e.to_status === 'sandbox off').map((e) => e.entity_id)).toEqual(['tool']);
  });

  it("shows a workspace's policy on its row and edits it there", async () => {
    await nav('Workspaces').click();
    const state = page.getByRole('note', { name: 'Sandbox of app' });
    await expect
      .poll(() => state.locator('.sandbox-badge').textContent())
      .toBe(canRun ? 'sandboxed' : 'sandbox cannot run here');
    await page.getByRole('button', { name: 'Sandbox of app…' }).click();
    const form = page.getByRole('form', { name: 'Sandbox of workspace app' });
    await form.getByLabel('Hosts it may reach').fill('pypi.org');
    await form.getByLabel('Extra folders it may write').fill('relative/folder');
    await form.getByRole('button', { name: 'Save sandbox' }).click();
    // The host's word on a wrong line, under its field.
    const writeError = form
      .locator('label', { hasText: 'Extra folders it may write' })
      .locator('.field-error');
    await expect
      .poll(() => writeError.textContent())
      .toBe('Extra folders it may write, line 1: must be an absolute path or start with ~/');
    await form.getByLabel('Extra folders it may write').fill('');
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ['light', 'dark'] as const) {
        await expectReadableIn(page, scheme, { width });
        await page.screenshot({
          path: join(SHOTS, `workspace-sandbox-${width}-${scheme}.png`),
          fullPage: true,
        });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await form.getByRole('button', { name: 'Save sandbox' }).click();
    await expect.poll(async () => (await workspacePolicy())?.network.allow).toEqual(['pypi.org']);
    await expect.poll(() => form.count()).toBe(0);
    if (canRun) await expect.poll(() => state.textContent()).toContain('reaches pypi.org');

    // Off, after the question: the row's badge warns, and the audit log has it.
    await page.getByRole('button', { name: 'Sandbox of app…' }).click();
    await form.getByLabel('Sandbox mode').selectOption('off');
    await form
      .getByRole('alertdialog', { name: 'Turn the sandbox off?' })
      .getByRole('button', { name: 'Turn it off' })
      .click();
    await form.getByRole('button', { name: 'Save sandbox' }).click();
    await expect.poll(async () => (await workspacePolicy())?.mode).toBe('off');
    await expect.poll(() => state.locator('.sandbox-badge').textContent()).toBe('⚠ sandbox off');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `workspace-sandbox-off-1440-${scheme}.png`) });
    }
    const audit = (await baton.rpc('audit.list', { entity: 'workspace' })).value as unknown as {
      entity_id: string;
      to_status: string;
    }[];
    // Once, for the workspace turned off (its registration and the hosts' change are there too).
    expect(audit.filter((e) => e.to_status === 'sandbox off').map((e) => e.entity_id)).toEqual(['app']);
  });
});
