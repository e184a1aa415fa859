import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots as SHOTS_ROOT, skipE2e } from './harness.ts';
import { tableMoves, watchTableMoves } from './table-moves.ts';

/** Where this file's screenshots go, to be looked at. */
const shots = join(SHOTS_ROOT, 'quick-add');

/**
 * A newcomer with Claude Code installed and signed in registers it in one click from the Agents
 * screen's "Coding CLIs on this machine": no protocol, no model server, no key. The host looks
 * for the CLIs on its PATH, which holds programs named `claude` and `qwen` that answer
 * `--version` as the CLIs do (the rest of a CLI is never run here).
 */
describe.skipIf(skipE2e)('adding a coding CLI found on this machine in one click', () => {
  let baton: Baton;
  let page: Page;
  let bin: string;
  const path = process.env.PATH;
  const agents = async () =>
    (await baton.rpc('agents.list', {})).value as unknown as Record<string, unknown>[];
  const list = () => page.getByRole('region', { name: 'Coding CLIs on this machine' });

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    bin = mkdtempSync(join(tmpdir(), 'baton-quick-clis-'));
    for (const [name, version] of [
      ['claude', '2.1.49 (Claude Code)'],
      ['qwen', '0.9.1'],
    ]) {
      writeFileSync(join(bin, name!), `#!/bin/sh\necho "${version}"\n`);
      chmodSync(join(bin, name!), 0o755);
    }
    // The host inherits this PATH (the harness spawns `baton serve` with this process's environment).
    process.env.PATH = `${bin}${delimiter}/usr/bin${delimiter}/bin`;
    baton = await launchBaton('quick-add', { width: 1440, height: 900 });
    process.env.PATH = path;
    // Another agent already has the id qwen-code's would take.
    await baton.rpc('agents.import', { agents: [{ id: 'qwen-coder', kind: 'echo', skills: ['x'] }] });
    page = baton.page;
    await page.goto(baton.server.url);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
    await list().getByRole('listitem', { name: 'Claude Code' }).getByText('2.1.49').waitFor();
  });
  afterAll(async () => {
    process.env.PATH = path;
    await baton?.close();
    rmSync(bin, { recursive: true, force: true });
  });

  it('keeps the table where it shows while the CLIs found come, and says how to install the others', async () => {
    // A newcomer's screen (no coding agent yet): the list is above the table. A CLI found has
    // two lines (what it is; what Add registers) where the list, looking, had one a CLI: the
    // table moved down 16 px a found CLI as the answer came. Now every row has two lines, alike.
    const context = await baton.browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      await watchTableMoves(context, 'Agents');
      const fresh = await context.newPage();
      await fresh.goto(baton.at('/agents'));
      const clis = fresh.getByRole('region', { name: 'Coding CLIs on this machine' });
      await clis.getByRole('listitem', { name: 'qwen-code' }).getByText('0.9.1').waitFor();
      const table = fresh.getByRole('table', { name: 'Agents' });
      expect((await clis.boundingBox())!.y).toBeLessThan((await table.boundingBox())!.y);
      expect(await tableMoves(fresh)).toEqual([]);
      // Not found: its npm package, to install it with.
      expect(await clis.getByRole('listitem', { name: 'Codex' }).textContent()).toContain(
        'Install it with npm install -g @openai/codex, then Look again.',
      );
    } finally {
      await context.close();
    }
  });

  it('offers Add beside Register… for each CLI found, saying what Add registers', async () => {
    const claude = list().getByRole('listitem', { name: 'Claude Code' });
    expect(await claude.getByRole('button', { name: 'Add Claude Code' }).isVisible()).toBe(true);
    expect(await claude.getByRole('button', { name: 'Register Claude Code' }).isVisible()).toBe(true);
    expect(await claude.textContent()).toContain('on your own login (no key to give)');
    // Not found: nothing to add.
    expect(await list().getByRole('listitem', { name: 'Codex' }).getByRole('button').count()).toBe(0);
    for (const [width, scheme] of [
      [1440, 'light'],
      [1024, 'dark'],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await list().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `clis-${width}-${scheme}.png`) });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('registers Claude Code in one click on its own login and default route, and says what comes next', async () => {
    await list().getByRole('button', { name: 'Add Claude Code' }).click();
    await expect.poll(async () => (await agents()).map((a) => a.id)).toContain('claude-coder');
    const claude = (await agents()).find((a) => a.id === 'claude-coder')!;
    expect(claude).toMatchObject({
      id: 'claude-coder',
      name: 'Claude Code',
      kind: 'coding',
      cli: 'claude',
      skills: ['coding'],
      review: 'diff',
    });
    // Its own login, its default route, its program on PATH: none of these is set.
    for (const field of ['protocol', 'provider', 'executable', 'model', 'max_cost_usd', 'tool_approvals'])
      expect(claude, field).not.toHaveProperty(field);
    const row = list().getByRole('listitem', { name: 'Claude Code' });
    await expect.poll(() => row.textContent()).toContain('registered as claude-coder');
    expect(await row.getByRole('button', { name: 'Add Claude Code' }).count()).toBe(0);
    expect(
      await page
        .getByRole('table', { name: 'Agents' })
        .getByRole('row', { name: /Claude Code/ })
        .count(),
    ).toBe(1);
    // No repository yet: the toast's way on is to register one.
    const next = page.getByRole('link', { name: 'Next: register a repository for it to work in' });
    await next.click();
    await page.getByRole('heading', { name: 'Workspaces', level: 1 }).waitFor();
  });

  it('gives the agent an id of its own when the suggested one is taken', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
    await list().getByRole('button', { name: 'Add qwen-code' }).click();
    await expect
      .poll(async () => (await agents()).map((a) => a.id).sort())
      .toEqual(['claude-coder', 'qwen-coder', 'qwen-coder-2']);
    expect((await agents()).find((a) => a.id === 'qwen-coder-2')).toMatchObject({
      kind: 'coding',
      cli: 'qwen',
    });
    expect((await agents()).find((a) => a.id === 'qwen-coder')).toMatchObject({ kind: 'echo' });
  });
});
