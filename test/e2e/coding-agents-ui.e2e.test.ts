import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * The Agents screen's coding CLIs. The host looks for them on its PATH and asks each its
 * `--version`; the four real CLIs are not installed for the e2e tests, so the PATH the host gets
 * holds one program named `qwen` that answers `--version` as a CLI does (the rest of the CLI
 * is never run here).
 */
describe.skipIf(skipE2e)('registering a detected coding CLI', () => {
  let baton: Baton;
  let page: Page;
  let bin: string;
  const path = process.env.PATH;

  beforeAll(async () => {
    bin = mkdtempSync(join(tmpdir(), 'baton-clis-'));
    const qwen = join(bin, 'qwen');
    writeFileSync(qwen, '#!/bin/sh\necho "0.9.1"\n');
    chmodSync(qwen, 0o755);
    // The host inherits this PATH (the harness spawns `baton serve` with this process's environment).
    process.env.PATH = `${bin}${delimiter}/usr/bin${delimiter}/bin`;
    baton = await launchBaton('coding-agents-ui', { width: 1440, height: 1000 });
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

  it('lists the CLIs found on PATH with their versions, and those not found', async () => {
    const list = page.getByRole('region', { name: 'Coding CLIs on this machine' });
    const qwen = list.getByRole('listitem', { name: 'qwen-code' });
    await expect.poll(() => qwen.textContent()).toContain('0.9.1');
    expect(await qwen.textContent()).toContain(join(bin, 'qwen'));
    expect(await list.getByRole('listitem', { name: 'Claude Code' }).textContent()).toContain(
      'not found on PATH',
    );
    expect(await list.getByRole('button', { name: /^Register/ }).count()).toBe(1);
  });

  it('Register opens the form in a dialog over the screen, focus in it; Escape closes it and gives focus back', async () => {
    const register = page.getByRole('button', { name: 'Register qwen-code' });
    await register.click();
    const dialog = page.getByRole('dialog', { name: 'Add an agent' });
    await dialog.waitFor();
    // Focus is on its first field (the id, filled in), to change it or go on.
    const id = dialog.getByLabel('Id', { exact: true });
    await expect.poll(() => id.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await id.inputValue()).toBe('qwen-coder');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await register.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await baton.rpc('agents.list', {})).value).toEqual([]);
  });

  it('Register fills in a coding agent, says what such an agent may do, names a wrong field, reads in both themes', async () => {
    await page.getByRole('button', { name: 'Register qwen-code' }).click();
    const form = page
      .getByRole('dialog', { name: 'Add an agent' })
      .getByRole('form', { name: 'Add an agent' });
    expect(await form.getByLabel('Kind').inputValue()).toBe('coding');
    expect(await form.getByLabel('Id', { exact: true }).inputValue()).toBe('qwen-coder');
    expect(await form.getByLabel(/^CLI/).inputValue()).toBe('qwen');
    expect(await form.getByLabel('Program (optional)').inputValue()).toBe(join(bin, 'qwen'));
    const note = form.getByRole('note', { name: 'About coding agents' });
    expect(await note.textContent()).toContain('These CLIs run commands on this machine.');
    expect(await note.textContent()).toContain(
      'Claude Code, and any agent driven over the Agent Client Protocol, can send a tool call to Baton',
    );
    // On its own stream only Claude Code offers to ask the inbox about its tool calls; the others
    // say what to do instead.
    expect(await form.getByRole('note', { name: 'Tool calls' }).textContent()).toContain(
      'qwen-code on its own stream has no way to ask Baton before a tool runs',
    );
    await form.getByLabel(/^CLI/).selectOption('claude');
    await form.getByLabel('Tool calls').selectOption('inbox');
    expect(await form.getByLabel('Tool calls').inputValue()).toBe('inbox');
    await form.getByLabel(/^CLI/).selectOption('qwen');
    expect(await form.getByRole('note', { name: 'Tool calls' }).count()).toBe(1);

    await form.getByLabel('Model (optional)').fill('qwen3-coder');
    await form.getByLabel('Most per attempt (USD)').fill('-2');
    await form.getByLabel('Extra arguments', { exact: false }).fill('--approval-mode "yolo');
    await form.getByRole('button', { name: 'Add agent' }).click();
    const errorOf = (label: string) => form.locator('label', { hasText: label }).locator('.field-error');
    await expect
      .poll(() => errorOf('Most per attempt (USD)').textContent())
      .toBe('Most per attempt (USD) must be more than 0');
    expect(await errorOf('Extra arguments').textContent()).toBe(
      'Extra arguments has a " that is never closed',
    );
    expect((await baton.rpc('agents.list', {})).value).toEqual([]);

    await form.getByLabel('Most per attempt (USD)').fill('2.5');
    await form.getByLabel('Extra arguments', { exact: false }).fill('--approval-mode yolo');
    await form.getByLabel('Timeout (s)').fill('900');
    await form.getByLabel('Review').selectOption('diff');
    await form.getByLabel('Environment', { exact: false }).fill('OPENAI_API_KEY=secret:dashscope');
    await page.screenshot({ path: join(shots, 'coding-agent-register.png'), fullPage: true });
    for (const scheme of ['dark', 'light'] as const) {
      await expectReadableIn(page, scheme);
    }
    await form.getByRole('button', { name: 'Add agent' }).click();
    // A cap Baton could not hold is refused, naming the field: qwen-code on its own login talks
    // to a server Baton cannot stand in front of.
    await expect
      .poll(() => errorOf('Most per attempt (USD)').textContent())
      .toMatch(/^Most per attempt \(USD\) needs a provider for cli "qwen"/);
    expect((await baton.rpc('agents.list', {})).value).toEqual([]);
    await form.getByLabel('Most per attempt (USD)').fill('');
    await form.getByRole('button', { name: 'Add agent' }).click();
    const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /qwen/ });
    await expect.poll(() => row.textContent()).toContain('coding');
    const [agent] = (await baton.rpc('agents.list', {})).value as unknown as Record<string, unknown>[];
    expect(agent).toMatchObject({
      id: 'qwen-coder',
      kind: 'coding',
      cli: 'qwen',
      executable: join(bin, 'qwen'),
      model: 'qwen3-coder',
      args: ['--approval-mode', 'yolo'],
      env: { OPENAI_API_KEY: { secret: 'dashscope' } },
      timeout_s: 900,
      review: 'diff',
    });
    expect(agent).not.toHaveProperty('tool_approvals');
    expect(agent).not.toHaveProperty('max_cost_usd');
    await expect
      .poll(() => page.getByRole('listitem', { name: 'qwen-code' }).textContent())
      .toContain('registered as qwen-coder');
    // Added: the dialog closed.
    expect(await page.getByRole('dialog', { name: 'Add an agent' }).count()).toBe(0);
  });

  it('a coding agent’s form: the CLI beside its id, short choices whose meaning is said under them, the charter a whole row', async () => {
    await page.getByRole('button', { name: 'Add agent…' }).click();
    const form = page.getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Kind').selectOption('coding');
    const box = async (label: string | RegExp) => {
      const b = await form.getByLabel(label, { exact: typeof label === 'string' }).boundingBox();
      if (!b) throw new Error(`no box for ${label}`);
      return b;
    };
    // The CLI is what a coding agent is: first row, right after Id. How Baton drives it is beside its kind.
    const [id, cli, name] = [await box('Id'), await box(/^CLI/), await box('Name (optional)')];
    expect(Math.abs(cli.y - id.y)).toBeLessThan(2);
    expect(cli.x).toBeGreaterThan(id.x);
    expect(name.x).toBeGreaterThan(cli.x);
    const [kind, protocol] = [await box(/^Kind/), await box('Protocol')];
    expect(Math.abs(protocol.y - kind.y)).toBeLessThan(2);
    expect(protocol.x).toBeGreaterThan(kind.x);
    // Each choice is said under its select, and follows it.
    const describedBy = async (label: string) => {
      const select = form.getByLabel(label, { exact: true });
      return (
        (await select.evaluate((el) => el.closest('label')?.querySelector('.field-message')?.textContent)) ??
        ''
      );
    };
    expect(await describedBy('Review')).toBe('The task is done when the attempt is.');
    await form.getByLabel('Review', { exact: true }).selectOption('diff');
    expect(await describedBy('Review')).toBe('Its diff waits in Approvals before the task is done.');
    await form.getByLabel(/^CLI/).selectOption('claude');
    expect(await describedBy('Tool calls')).toBe("Claude Code's permission checks are skipped.");
    // The options fit the column whole (the longest was cut: "run without asking (permission").
    for (const label of ['Review', 'Tool calls']) {
      const select = form.getByLabel(label, { exact: true });
      const fits = await select.evaluate((el) => {
        const s = el as HTMLSelectElement;
        const probe = document.createElement('span');
        probe.style.font = getComputedStyle(s).font;
        probe.style.whiteSpace = 'nowrap';
        document.body.append(probe);
        const widest = Math.max(
          ...[...s.options].map((o) => {
            probe.textContent = o.text;
            return probe.getBoundingClientRect().width;
          }),
        );
        probe.remove();
        return widest + 30 <= s.clientWidth;
      });
      expect({ label, fits }).toEqual({ label, fits: true });
    }
    // The charter is a sentence: it takes the whole row.
    const charter = await box('Charter: mission');
    const fields = await form.locator('.fields').first().boundingBox();
    expect(charter.width).toBeGreaterThan((fields?.width ?? 0) * 0.9);
    await form.screenshot({ path: join(shots, 'coding-agent-form.png') });
  });
});
