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
