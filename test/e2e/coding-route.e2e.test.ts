import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * A coding agent without a `protocol` takes the default route of its CLI: claude over ACP when
 * Claude's adapter is installed, codex on its stream, opencode over ACP with a provider. The host
 * gets a PATH with a program named `claude-agent-acp` (never run here), so claude's default is ACP.
 */
describe.skipIf(skipE2e)("a coding agent's default route", () => {
  let baton: Baton;
  let page: Page;
  let bin: string;
  const path = process.env.PATH;
  const mine = process.env.BATON_SHOTS_DIR ?? shots;
  const shoot = async (name: string, target: () => ReturnType<Page['locator']>) => {
    mkdirSync(mine, { recursive: true });
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 1000 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await target().screenshot({ path: join(mine, `${name}-${width}-${scheme}.png`) });
        await expectReadableIn(page, scheme);
      }
    }
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.emulateMedia({ colorScheme: 'light' });
  };
  const coder = (id: string, extra: object) => ({ id, kind: 'coding', skills: ['code'], ...extra });

  beforeAll(async () => {
    bin = mkdtempSync(join(tmpdir(), 'baton-route-'));
    writeFileSync(join(bin, 'claude-agent-acp'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'claude-agent-acp'), 0o755);
    // The host inherits this PATH (the harness spawns `baton serve` with this process's environment).
    process.env.PATH = `${bin}${delimiter}/usr/bin${delimiter}/bin`;
    baton = await launchBaton('coding-route', { width: 1440, height: 1000 });
    process.env.PATH = path;
    page = baton.page;
    const imported = await baton.rpc('agents.import', {
      agents: [
        coder('cl', { cli: 'claude' }),
        coder('cx', { cli: 'codex' }),
        coder('oc', { cli: 'opencode', provider: { base_url: 'http://127.0.0.1:9/v1' }, model: 'm' }),
        coder('qw', { cli: 'qwen', protocol: 'stream' }),
      ],
    });
    expect(imported.ok).toBe(true);
    await page.goto(baton.server.url);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
  });
  afterAll(async () => {
    process.env.PATH = path;
    await baton?.close();
    rmSync(bin, { recursive: true, force: true });
  });

  it("says each agent's protocol on its page: the default for its CLI and which route that is, or its own", async () => {
    const table = page.getByRole('table', { name: 'Agents' });
    const protocolOf = async (id: string) => {
      await table.getByRole('link', { name: id, exact: true }).click();
      const agent = page.getByRole('region', { name: `Agent ${id}` });
      await agent.waitFor();
      const dd = agent.locator('dt', { hasText: /^Protocol$/ }).locator('xpath=following-sibling::dd[1]');
      await dd.waitFor();
      return (await dd.textContent()) ?? '';
    };
    await expect.poll(() => protocolOf('cl')).toBe('default (ACP)');
    await expect
      .poll(() =>
        page
          .getByRole('region', { name: 'Agent cl' })
          .locator('dd', { hasText: 'coding · Claude Code · ACP' })
          .count(),
      )
      .toBe(1);
    await shoot('agent-page-default-acp', () => page.getByRole('region', { name: 'Agent cl' }));
    await page.getByRole('button', { name: 'Close the agent' }).click();
    expect(await protocolOf('cx')).toBe('default (stream)');
    await page.getByRole('button', { name: 'Close the agent' }).click();
    expect(await protocolOf('oc')).toBe('default (ACP)');
    await page.getByRole('button', { name: 'Close the agent' }).click();
    expect(await protocolOf('qw')).toBe('stream');
    await page.getByRole('button', { name: 'Close the agent' }).click();
    // The list says what runs each: over ACP by default too.
    const row = (id: string) =>
      table.getByRole('row').filter({ has: page.getByRole('link', { name: id, exact: true }) });
    expect(await row('oc').textContent()).toContain('opencode · ACP');
    expect(await row('cx').textContent()).not.toContain('ACP');
  });

  it("the form's Protocol says what the default is for the CLI chosen, and offers the tool policy where it is ACP", async () => {
    await page.getByRole('button', { name: 'Add agent…' }).click();
    const form = page.getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Kind').selectOption('coding');
    await form.getByLabel(/^CLI/).selectOption('claude');
    const protocol = form.getByLabel('Protocol');
    const selected = () => protocol.locator('option:checked').textContent();
    expect(await protocol.inputValue()).toBe('');
    await expect.poll(selected).toBe('default (ACP)');
    expect(await form.getByLabel(/^Tool policy/).count()).toBe(1);
    await shoot('agent-form-default-acp', () => page.getByRole('dialog'));
    await form.getByLabel(/^CLI/).selectOption('codex');
    await expect.poll(selected).toBe('default (stream)');
    expect(await form.getByLabel(/^Tool policy/).count()).toBe(0);
    // Named, the route is the one chosen.
    await protocol.selectOption('acp');
    expect(await form.getByLabel(/^Tool policy/).count()).toBe(1);
    await form.getByLabel('Id', { exact: true }).fill('cx-acp');
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    const saved = (
      (await baton.rpc('agents.list', {})).value as unknown as { id: string; protocol?: string }[]
    ).find((a) => a.id === 'cx-acp');
    expect(saved?.protocol).toBe('acp');
  });
});
