import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { serveApp } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * A workspace's row says how it is used: its tasks' worktrees open now (a session recorded
 * through the real store, with a real `git worktree`, as the coding executor does), the parked
 * ones (folders in its pool, which is how the host counts them), and when it was added. And it
 * reads in one line a header at 1024 and 1440, Prune and Remove side by side.
 */
describe.skipIf(skipE2e)('a workspace’s use, in its row', () => {
  let dir: string;
  let repo: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let rpc: Rpc;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-ws-use-e2e-')));
    repo = join(dir, 'projects', 'services', 'webapp');
    mkdirSync(repo, { recursive: true });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'README.md'), '# webapp\n');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
    const base = git('rev-parse', 'HEAD');
    const worktree = join(dir, 'worktrees', 'backend');
    git('worktree', 'add', '-q', '-b', 'baton/r1/backend', worktree);

    ({ app, host, rpc } = await serveApp(join(dir, 'data')));
    await rpc('workspaces.add', { id: 'webapp', path: repo, setup_command: ['npm', 'ci'] });
    await rpc('workspaces.add', { id: 'quiet', path: repo });
    // Two parked worktrees in its pool (the host counts the pool's folders).
    for (const n of ['w-1', 'w-2'])
      mkdirSync(join(app.coding.parkedFolder('webapp'), n), { recursive: true });
    // A run whose task's worktree a person kept: it stays on disk after the run.
    await rpc('agents.import', { agents: [{ id: 'coder', skills: ['code'] }] });
    await rpc('plans.import', {
      plan: {
        plan_id: 'webapp',
        tasks: [{ task_id: 'backend', description: 'x', required_skills: ['code'] }],
      },
    });
    // Two more plans name the workspace: one for the whole plan, one on a task only.
    const named = await Promise.all([
      rpc('plans.import', {
        plan: {
          plan_id: 'release',
          name: 'Weekly release',
          workspace: 'webapp',
          tasks: [{ task_id: 'tag', description: 'Tag it', required_skills: ['code'] }],
        },
      }),
      rpc('plans.import', {
        plan: {
          plan_id: 'docs',
          name: 'Docs refresh',
          tasks: [{ task_id: 'write', description: 'Write', required_skills: ['code'], workspace: 'webapp' }],
        },
      }),
    ]);
    expect(named.map((r) => r.error)).toEqual([undefined, undefined]);
    const runId = ((await rpc('runs.start', { plan_id: 'webapp' })).value as { run_id: string }).run_id;
    for (let i = 0; i < 300; i++) {
      const r = (await rpc('runs.get', { run_id: runId })).value as { status: string };
      if (r.status !== 'executing') break;
      await new Promise((done) => setTimeout(done, 100));
    }
    app.store.tx(() =>
      app.store.sessions.upsert({
        run_id: runId,
        task_id: 'backend',
        workspace_id: 'webapp',
        agent_id: 'coder',
        cli: 'claude',
        dir: worktree,
        branch: 'baton/r1/backend',
        start_commit: base,
        session_id: null,
        home: null,
        attempt: 1,
        state: 'kept',
        updated_at: new Date().toISOString(),
      }),
    );

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // The page's clock stands 3 minutes after the workspaces were added (timers still run).
    await page.clock.setFixedTime(Date.now() + 3 * 60_000 + 10_000);
    await page.goto(host.openUrl);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Workspaces' })
      .click();
    await table().waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await app?.close();
    await removeDataDir(dir);
  });

  const table = () => page.getByRole('table', { name: 'Workspaces' });
  const row = (id: string) => table().getByRole('row', { name: new RegExp(`^${id}`) });
  /** The row's cell under the column header named `header`. */
  const cellOf = async (r: Locator, header: string) => {
    const headers = await table().locator('thead th').allTextContents();
    const i = headers.indexOf(header);
    expect(i, `a "${header}" column in ${JSON.stringify(headers)}`).toBeGreaterThan(0);
    return r.locator('th, td').nth(i);
  };
  /** How many lines each shown header's words take (not the actions' header, said to screen readers only). */
  const headerLines = () =>
    table()
      .locator('thead th')
      .evaluateAll((ths) =>
        ths.flatMap((th) => {
          if (th.querySelector('.visually-hidden')) return [];
          const range = document.createRange();
          range.selectNodeContents(th);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          return [{ header: th.textContent ?? '', lines: tops.size }];
        }),
      );

  it('says its worktrees open and parked, which plans name it, and when it was added', async () => {
    const webapp = row('webapp');
    // Its use in one line under its path: the plans naming it, its worktrees, when it was added.
    const use = (id: string) => row(id).locator('.workspace-use');
    await expect.poll(() => use('webapp').textContent()).toContain('· 1 open, 2 parked ·');
    expect(await use('quiet').textContent()).not.toMatch(/open|parked/);
    expect(await webapp.locator('.plans-naming').textContent()).toBe(
      'named by plans Docs refresh, Weekly release',
    );
    expect(await row('quiet').locator('.plans-naming').textContent()).toBe('no plan names it yet');
    const added = webapp.locator('time');
    expect(await added.textContent()).toBe('added 3 min ago');
    expect(await added.getAttribute('title')).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    // Path and base branch in the row, whole.
    expect(await webapp.textContent()).toContain(repo);
    expect(await webapp.locator('code.base-branch').textContent()).toBe('main');
  });

  it('follows its use while the screen is open: a worktree parked, a plan naming it', async () => {
    const use = row('webapp').locator('.workspace-use');
    await expect.poll(() => use.textContent()).toContain('1 open, 2 parked');
    // What the engine does when a done task's worktree is parked: it lands in the pool, then the
    // session is recorded removed and said on the bus.
    mkdirSync(join(app.coding.parkedFolder('webapp'), 'w-3'), { recursive: true });
    const [kept] = app.store.sessions.onDisk('webapp');
    app.bus.emit('session.updated', { ...kept!, task_id: 'other', state: 'removed' });
    await expect.poll(() => use.textContent()).toContain('1 open, 3 parked');
    await rpc('plans.import', {
      plan: {
        plan_id: 'quiet-plan',
        name: 'Quiet plan',
        workspace: 'quiet',
        tasks: [{ task_id: 'a', description: 'A', required_skills: ['code'] }],
      },
    });
    await expect
      .poll(() => row('quiet').locator('.plans-naming').textContent())
      .toBe('named by plan Quiet plan');
  });

  for (const [width, height] of [
    [1024, 768],
    [1440, 900],
  ] as const) {
    it(`at ${width}: every header on one line, Prune and Remove side by side, readable in both themes`, async () => {
      await page.setViewportSize({ width, height });
      await expect.poll(async () => (await headerLines()).filter((h) => h.lines !== 1)).toEqual([]);
      // A short setup command reads on one line.
      const setup = (await cellOf(row('webapp'), 'Setup and checks')).locator('code.argv');
      const setupLines = await setup.evaluate((c) => {
        const range = document.createRange();
        range.selectNodeContents(c);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      });
      expect(setupLines).toBe(1);
      for (const id of ['webapp', 'quiet']) {
        const [prune, remove] = await Promise.all([
          page.getByRole('button', { name: `Prune ${id}` }).boundingBox(),
          page.getByRole('button', { name: `Remove ${id}` }).boundingBox(),
        ]);
        expect(Math.abs((prune?.y ?? 0) - (remove?.y ?? 100))).toBeLessThan(2);
        expect(remove!.x).toBeGreaterThan(prune!.x + prune!.width);
        // Both within the list's column: nothing scrolled out of sight.
        const list = await page.getByRole('region', { name: 'Workspace list' }).boundingBox();
        expect(remove!.x + remove!.width).toBeLessThanOrEqual(list!.x + list!.width);
      }
      for (const scheme of ['light', 'dark'] as const) {
        await expectReadableIn(page, scheme);
        await page.screenshot({ path: join(shots, `workspace-use-${width}-${scheme}.png`) });
      }
    });
  }
});
