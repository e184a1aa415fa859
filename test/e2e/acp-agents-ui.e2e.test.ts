import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * The Agents screen's ACP agents. The host looks for known ACP commands on its PATH (and in npm's
 * global folder and its workspaces' node_modules); the real agents are not installed for the e2e
 * tests, so the PATH the host gets holds two programs named `gemini` and `goose` (never run here).
 */
describe.skipIf(skipE2e)('ACP agents found on this machine', () => {
  let baton: Baton;
  let page: Page;
  let bin: string;
  const path = process.env.PATH;
  // The form over ACP in both themes at 1440 and 1024 wide, read as it is drawn.
  const mine = process.env.BATON_SHOTS_DIR ?? shots;
  const shoot = async (name: string) => {
    mkdirSync(mine, { recursive: true });
    const dialog = page.getByRole('dialog');
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 1000 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        // From its top: the kind and protocol, then the fields.
        await dialog.evaluate((el) => {
          for (const e of [el, ...el.querySelectorAll('*')]) e.scrollTop = 0;
        });
        await dialog.screenshot({ path: join(mine, `${name}-${width}-${scheme}.png`) });
        await expectReadableIn(page, scheme);
      }
    }
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.emulateMedia({ colorScheme: 'light' });
  };

  beforeAll(async () => {
    bin = mkdtempSync(join(tmpdir(), 'baton-acp-'));
    for (const name of ['gemini', 'goose']) {
      writeFileSync(join(bin, name), '#!/bin/sh\nexit 0\n');
      chmodSync(join(bin, name), 0o755);
    }
    // The host inherits this PATH (the harness spawns `baton serve` with this process's environment).
    process.env.PATH = `${bin}${delimiter}/usr/bin${delimiter}/bin`;
    baton = await launchBaton('acp-agents-ui', { width: 1440, height: 1000 });
    process.env.PATH = path;
    page = baton.page;
    await page.goto(baton.server.url);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
  });
  afterAll(async () => {
    process.env.PATH = path;
    await baton?.close();
    rmSync(bin, { recursive: true, force: true });
  });

  it('lists the ACP agents found on PATH with the command that starts each in ACP mode, and says which Baton can point at a model server', async () => {
    const list = page.getByRole('region', { name: 'ACP agents on this machine' });
    const gemini = list.getByRole('listitem', { name: 'Gemini CLI' });
    await expect.poll(() => gemini.textContent()).toContain(`${join(bin, 'gemini')} --acp`);
    expect(await gemini.textContent()).toContain('on PATH');
    expect(await gemini.textContent()).toContain('Baton can point it at a model server');
    const goose = list.getByRole('listitem', { name: 'goose' });
    expect(await goose.textContent()).toContain(`${join(bin, 'goose')} acp`);
    expect(await goose.textContent()).toContain('runs with its own login and settings');
    // Only what is there: no Qwen Code, opencode or Claude adapter on this PATH.
    expect(await list.getByRole('listitem').count()).toBe(2);
    expect((await baton.rpc('agents.detectAcp', {})).value).toEqual([
      expect.objectContaining({ name: 'gemini', args: ['--acp'], launch: 'gemini', source: 'path' }),
      expect.objectContaining({ name: 'goose', args: ['acp'], launch: null, source: 'path' }),
    ]);
  });

  it('registers a detected Gemini CLI with a click: the form is filled in over ACP, a skill added, saved, and the list says ACP', async () => {
    const list = page.getByRole('region', { name: 'ACP agents on this machine' });
    await list.getByRole('button', { name: 'Register Gemini CLI' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an agent' });
    const form = dialog.getByRole('form', { name: 'Add an agent' });
    await form.waitFor();
    expect(await form.getByLabel('Kind').inputValue()).toBe('coding');
    expect(await form.getByLabel('Protocol').inputValue()).toBe('acp');
    expect(await form.getByLabel(/^CLI/).inputValue()).toBe('gemini');
    expect(await form.getByLabel('Id', { exact: true }).inputValue()).toBe('gemini-acp');
    expect(await form.getByLabel('Name (optional)').inputValue()).toBe('Gemini CLI');
    // Over ACP every CLI can ask the inbox about its tool calls, and has a tool policy.
    expect(await form.getByRole('note', { name: 'Tool calls' }).count()).toBe(0);
    expect(await form.getByLabel('Tool calls').isVisible()).toBe(true);
    expect(await form.getByLabel(/^Tool policy/).isVisible()).toBe(true);
    await form.getByLabel('Skills', { exact: true }).fill('code');
    await form.getByLabel('Skills', { exact: true }).press('Enter');
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    const [agent] = (await baton.rpc('agents.list', {})).value as unknown as Record<string, unknown>[];
    expect(agent).toMatchObject({
      id: 'gemini-acp',
      name: 'Gemini CLI',
      kind: 'coding',
      cli: 'gemini',
      protocol: 'acp',
      executable: join(bin, 'gemini'),
      args: [],
      skills: ['code'],
    });
    const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /Gemini CLI/ });
    await expect.poll(() => row.textContent()).toContain('Gemini CLI · ACP');
    await expect
      .poll(() => list.getByRole('listitem', { name: 'Gemini CLI' }).textContent())
      .toContain('registered as gemini-acp');
    expect(await list.getByRole('listitem', { name: 'goose' }).textContent()).not.toContain('registered as');
  });

  it('edits it: another ACP agent without a program is refused under the Program field; goose is filled in with its program and ACP arguments', async () => {
    await page.getByRole('button', { name: 'Edit gemini-acp' }).click();
    const form = page.getByRole('form', { name: 'Edit agent gemini-acp' });
    await form.getByLabel(/^CLI/).selectOption('acp');
    const errorOf = (label: string) =>
      form.locator('label', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
    // The program was the one found for Gemini: emptied, the form says which field is wrong.
    await form.getByLabel('Program', { exact: true }).fill('');
    await form.getByRole('button', { name: 'Save agent' }).click();
    await expect.poll(() => errorOf('Program').textContent()).toMatch(/^Program is required/);
    // Its arguments may be none (claude-agent-acp takes none).
    expect((await errorOf('Arguments').allTextContents()).join('')).toBe('');
    await shoot('acp-other-agent-form');
    expect((await baton.rpc('agents.list', {})).value).toMatchObject([{ cli: 'gemini' }]);
    // Back on the CLI's own stream, Gemini CLI and other ACP agents are not offered.
    await form.getByLabel('Protocol').selectOption('stream');
    expect(await form.getByLabel(/^CLI/).inputValue()).toBe('claude');
    const options = await form.getByLabel(/^CLI/).locator('option').allTextContents();
    expect(options.join(' ')).not.toContain('Gemini');
    expect(options.join(' ')).not.toContain('Other ACP agent');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // goose has no launch of Baton's: it is another ACP agent, by its program and ACP arguments.
    await page.getByRole('button', { name: 'Register goose' }).click();
    const add = page.getByRole('form', { name: 'Add an agent' });
    await add.waitFor();
    expect(await add.getByLabel(/^CLI/).inputValue()).toBe('acp');
    expect(await add.getByLabel('Program', { exact: true }).inputValue()).toBe(join(bin, 'goose'));
    expect(await add.getByLabel('Arguments', { exact: true }).inputValue()).toBe('acp');
    expect(await add.getByLabel('Id', { exact: true }).inputValue()).toBe('goose-acp');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it("an ACP Claude Code's form offers the inbox for its tool calls and a tool policy, refused under the field when wrong", async () => {
    await page.getByRole('button', { name: 'Add agent…' }).click();
    const form = page.getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Kind').selectOption('coding');
    await form.getByLabel('Id', { exact: true }).fill('claude-acp');
    await form.getByLabel(/^CLI/).selectOption('claude');
    expect(await form.getByLabel(/^Tool policy/).count()).toBe(0);
    await form.getByLabel('Protocol').selectOption('acp');
    await form.getByLabel('Tool calls').selectOption('inbox');
    const hintOf = (label: string | RegExp) =>
      form
        .locator('label', { has: page.getByLabel(label, { exact: typeof label === 'string' }) })
        .locator('.field-message');
    expect(await hintOf('Tool calls').textContent()).toContain('the ones it asks about wait in Approvals');
    const policy = form.getByLabel(/^Tool policy/);
    await policy.fill('[{ "tools": "claude/Bash", "policy": "sometimes" }]');
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => hintOf(/^Tool policy/).textContent()).toMatch(/^Tool policy/);
    expect((await baton.rpc('agents.list', {})).value).toHaveLength(1);
    await shoot('acp-agent-form');
    await policy.fill('[{ "tools": "claude/Bash", "policy": "ask" }]');
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    const saved = ((await baton.rpc('agents.list', {})).value as unknown as Record<string, unknown>[]).find(
      (a) => a.id === 'claude-acp',
    );
    expect(saved).toMatchObject({
      cli: 'claude',
      protocol: 'acp',
      tool_approvals: 'inbox',
      tool_policy: [{ tools: 'claude/Bash', policy: 'ask' }],
    });
    await page.getByRole('button', { name: 'Edit claude-acp' }).click();
    // Claude Code over ACP runs its ACP adapter: the stream CLIs' list does not count it.
    expect(
      await page
        .getByRole('region', { name: 'Coding CLIs on this machine' })
        .getByRole('listitem', { name: 'Claude Code' })
        .textContent(),
    ).not.toContain('registered as');
    const edit = page.getByRole('form', { name: 'Edit agent claude-acp' });
    expect(await edit.getByLabel('Tool calls').inputValue()).toBe('inbox');
    expect(await edit.getByLabel(/^Tool policy/).inputValue()).toContain('claude/Bash');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    // Its page says what runs it too.
    await page.getByRole('table', { name: 'Agents' }).getByRole('link', { name: 'claude-acp' }).click();
    const close = page.getByRole('button', { name: 'Close the agent' });
    await close.waitFor();
    await expect.poll(() => page.locator('dd', { hasText: 'coding · Claude Code · ACP' }).count()).toBe(1);
    await close.click();
  });

  it('looks again on request, and reads in both themes at 1440 and 1024 wide', async () => {
    const list = page.getByRole('region', { name: 'ACP agents on this machine' });
    await list.getByRole('button', { name: 'Look again for ACP agents' }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);
    mkdirSync(shots, { recursive: true });
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 1000 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await list.scrollIntoViewIfNeeded();
        await list.screenshot({ path: join(shots, `acp-agents-${width}-${scheme}.png`) });
        await list.screenshot({ path: join(mine, `acp-agents-${width}-${scheme}.png`) });
        await page.screenshot({
          path: join(shots, `agents-screen-${width}-${scheme}.png`),
          fullPage: true,
        });
        await expectReadableIn(page, scheme);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
