import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeStandInEditor } from '../../src-main/agents/coding/worktrees/testing/stand-in-editor.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { freeBlock } from '../kit/free-ports.ts';
import { serveApp } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';

/**
 * A coding task's worktree as a person reaches it from a browser: its panel's Copy path, Open in
 * editor (a stand-in `code` on the PATH of the Baton that serves the page: the host starts it, on
 * its machine) and ports; Settings → Worktrees listing the kept ones, Archive asking again for
 * uncommitted changes. Real runs: the coding executor runs a codex stand-in in a real repository.
 */
const STREAM = join(import.meta.dirname, '../coding-agents/streams/codex-shell.jsonl');

describe.skipIf(skipE2e)('worktrees in the browser', () => {
  let dir: string;
  let repo: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let rpc: Rpc;
  let runId: string;
  let editorOut: string;
  const pathBefore = process.env.PATH;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-worktrees-e2e-')));
    repo = join(dir, 'projects', 'webapp');
    mkdirSync(repo, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'README.md'), '# webapp\n');
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
    // The editor: a stand-in `code` on the PATH of the Baton serving the page, writing what it got.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    editorOut = join(dir, 'editor.json');
    writeStandInEditor(
      join(bin, 'code'),
      editorOut,
      '{ argv: process.argv.slice(2), path: process.env.PATH }',
    );
    process.env.PATH = [bin, pathBefore].join(delimiter);
    // A codex that waits until its worktree is kept, then writes a file and prints a turn.
    const gate = join(dir, 'gate');
    writeFileSync(
      join(dir, 'codex'),
      `#!/bin/sh\nwhile [ ! -e "${gate}" ]; do sleep 0.05; done\necho "$PORT" > port.txt\ncat "${STREAM}"\n`,
    );
    chmodSync(join(dir, 'codex'), 0o755);
    ({ app, host, rpc } = await serveApp(join(dir, 'data')));
    // Two blocks of ports no other program on the machine holds now (every app's first is 42000
    // by default): a test below says nothing listens on the first.
    await rpc('worktrees.saveSettings', {
      editor: null,
      custom_command: null,
      port_base: await freeBlock(20),
      port_block: 10,
    });
    // Its agents' ports forwarded into their sandboxes (off by default; a test below turns it off).
    await rpc('workspaces.add', { id: 'webapp', path: repo, forward_ports: true });
    await rpc('agents.import', {
      agents: [
        {
          id: 'coder',
          kind: 'coding',
          cli: 'codex',
          executable: join(dir, 'codex'),
          skills: ['code'],
          max_concurrency: 2,
        },
      ],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'webapp',
        name: 'Web app',
        workspace: 'webapp',
        tasks: [
          { task_id: 'api', description: 'Serve the API', required_skills: ['code'] },
          { task_id: 'web', description: 'Build the pages', required_skills: ['code'] },
        ],
      },
    });
    runId = ((await rpc('runs.start', { plan_id: 'webapp' })).value as { run_id: string }).run_id;
    for (const t of ['api', 'web']) {
      await vi.waitFor(
        () => {
          if (app.store.sessions.get(runId, t)?.state !== 'active')
            throw new Error(`no worktree of ${t} yet`);
        },
        { timeout: 60_000, interval: 50 },
      );
      await rpc('runs.keepWorktree', { run_id: runId, task_id: t, keep: true });
    }
    writeFileSync(gate, '');
    await app.engine.whenSettled(runId);
    await app.coding.worktreesSettled();

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(host.openUrl);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Worktrees' }).click();
  });
  afterAll(async () => {
    process.env.PATH = pathBefore;
    await browser?.close();
    await host?.close();
    await app?.close();
    await removeDataDir(dir);
  });

  const kept = () => page.getByRole('table', { name: 'Kept worktrees' });

  it('lists the kept worktrees with their task, branch, size, age and ports, and finds the editor on the host', async () => {
    await kept()
      .getByRole('row', { name: `Worktree api of run ${runId}` })
      .waitFor();
    const row = kept().getByRole('row', { name: `Worktree api of run ${runId}` });
    const text = await row.textContent();
    expect(text).toContain(`baton/${runId}/api`);
    expect(text).toContain('Web app');
    expect(text).toMatch(/\d+(\.\d)? (B|KB|MB)/);
    const ports = app.store.worktreePorts.get(runId, 'api')!;
    expect(text).toContain(`${ports.first}–${ports.first + 9}`);
    expect(await page.getByRole('combobox', { name: 'Editor' }).textContent()).toContain(
      `VS Code — ${join(dir, 'bin', 'code')}`,
    );
    await page.screenshot({ path: join(shots, 'worktrees-settings-1440.png'), fullPage: true });
  });

  it("the task panel copies the worktree's path, opens it in the editor on the host, and shows its ports, nothing listening now, without a dead link", async () => {
    await kept().getByRole('link', { name: 'api' }).click();
    const tools = page.getByRole('region', { name: 'Worktree of api' });
    await tools.waitFor();
    const dir = app.store.sessions.get(runId, 'api')!.dir;
    await tools.getByRole('button', { name: 'Copy path' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(dir);
    expect(await tools.textContent()).toMatch(
      /Opens on .+, the machine Baton runs on, where the worktree is\./,
    );
    // Its agent ran in the OS sandbox and has ended: its ports are said, nothing listens on them
    // (looked at), and why a server of its agent is not reached now; no link.
    const ports = app.store.worktreePorts.get(runId, 'api')!;
    const portsOf = tools.getByRole('region', { name: 'Ports of api' });
    await expect.poll(() => portsOf.textContent()).toContain('Nothing listens on them now.');
    expect(await portsOf.textContent()).toContain(
      `Ports ${ports.first}–${ports.first + 9} (PORT=${ports.first}`,
    );
    expect(await portsOf.textContent()).toContain('its agent is not running');
    expect(await tools.getByRole('link', { name: /127\.0\.0\.1/ }).count()).toBe(0);
    expect(git(repo, 'show', `baton/${runId}/api:port.txt`)).toBe(String(ports.first));
    await tools.getByRole('button', { name: 'Open in VS Code' }).click();
    await expect.poll(() => existsSync(editorOut)).toBe(true);
    const got = JSON.parse(readFileSync(editorOut, 'utf8')) as { argv: string[]; path: string };
    expect(got.argv).toEqual([dir]);
    expect(got.path.split(delimiter)).not.toContain(join(process.cwd(), 'node_modules', '.bin'));
    await tools.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'worktrees-task-panel-1440.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await tools.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'worktrees-task-panel-390.png') });
    await page.setViewportSize({ width: 1440, height: 1000 });
  });

  it("with its workspace's forwarding off, the task panel says its agent's servers are not reached and where to turn it on; the Workspaces screen turns it on", async () => {
    await rpc('workspaces.update', { workspace_id: 'webapp', forward_ports: false });
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Worktrees' }).click();
    await kept().getByRole('link', { name: 'api' }).click();
    const portsOf = page.getByRole('region', { name: 'Ports of api' });
    await expect
      .poll(() => portsOf.textContent())
      .toContain(
        'servers it starts can’t be reached from this machine while workspace webapp does not forward its ports',
      );
    // The block is still shown: its agent still gets PORT and BATON_PORTS.
    const ports = app.store.worktreePorts.get(runId, 'api')!;
    expect(await portsOf.textContent()).toContain(
      `Ports ${ports.first}–${ports.first + 9} (PORT=${ports.first}`,
    );
    expect(await portsOf.textContent()).toContain('Turn on Reach its dev servers from this machine in');
    await portsOf.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'worktrees-ports-off-1440.png') });
    // The link opens the workspace's Sandbox editor, at an address of its own.
    await portsOf.getByRole('link', { name: 'the sandbox of workspace webapp' }).click();
    await page.getByRole('form', { name: 'Sandbox of workspace webapp' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/workspaces/webapp/sandbox');
    const forward = page.getByRole('checkbox', { name: 'Reach its dev servers from this machine' });
    expect(await forward.isChecked()).toBe(false);
    await forward.check();
    await page.screenshot({ path: join(shots, 'workspaces-forward-ports-1440.png') });
    await page.getByRole('button', { name: 'Save sandbox' }).click();
    await expect.poll(() => app.store.workspaces.get('webapp')?.forward_ports).toBe(true);
    await expect
      .poll(() => page.getByRole('table', { name: 'Workspaces' }).textContent())
      .toContain('dev servers reached from here');
    // Saved, the editor closes, and the address is the screen's again.
    await expect.poll(() => new URL(page.url()).pathname).toBe('/workspaces');
  });

  it('archives a kept worktree after asking again about its uncommitted changes; its branch stays', async () => {
    const webDir = app.store.sessions.get(runId, 'web')!.dir;
    writeFileSync(join(webDir, 'notes.txt'), 'mine');
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Worktrees' }).click();
    await page.setViewportSize({ width: 390, height: 844 });
    const row = kept().getByRole('row', { name: `Worktree web of run ${runId}` });
    await row.getByRole('button', { name: 'Archive web' }).click();
    await row.getByRole('button', { name: 'Archive', exact: true }).click();
    const ask = row.getByRole('group', { name: 'Archive web?' });
    await expect.poll(() => ask.textContent()).toContain('1 uncommitted change (notes.txt)');
    await page.screenshot({ path: join(shots, 'worktrees-settings-390.png'), fullPage: true });
    await ask.getByRole('button', { name: 'Archive and lose them' }).click();
    await expect
      .poll(() =>
        kept()
          .getByRole('row', { name: `Worktree web of run ${runId}` })
          .count(),
      )
      .toBe(0);
    expect(existsSync(webDir)).toBe(false);
    expect(git(repo, 'branch', '--list', `baton/${runId}/web`)).toContain(`baton/${runId}/web`);
    await page.setViewportSize({ width: 1440, height: 1000 });
  });
});
