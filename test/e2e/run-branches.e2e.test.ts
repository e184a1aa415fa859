import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { serveApp } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import { expectReadableAtWidths, expectReadableIn } from './readability.ts';

/**
 * A run's coding tasks as branches in the run view: branch, commit, +/-, "Keep worktree" and
 * "Merge branches…". Until the coding executor lands, a command agent answers what a coding
 * attempt answers (its output names a real branch with a real commit in a real registered
 * repository), and the test records the task's worktree session through the real store, with
 * a real `git worktree`, as the executor will. Keeping, letting go and merging are the host's
 * own (runs.keepWorktree, runs.mergeBranches) on that repository.
 */
describe.skipIf(skipE2e)('a run’s branches', () => {
  let dir: string;
  let repo: string;
  let worktree: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let rpc: Rpc;
  let runId: string;
  let base: string;
  let built: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const commit = (msg: string) =>
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', msg);

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-branches-e2e-')));
    repo = join(dir, 'repo');
    mkdirSync(join(repo, 'src'), { recursive: true });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'src/app.ts'), 'export const port = 3000;\n');
    git('add', '-A');
    commit('first');
    base = git('rev-parse', 'HEAD');
    git('checkout', '-q', '-b', 'baton/r1/backend');
    writeFileSync(
      join(repo, 'src/app.ts'),
      'export const port = Number(process.env.PORT ?? 3000);\nexport const host = "0.0.0.0";\n',
    );
    git('add', '-A');
    commit('backend: port from the environment');
    built = git('rev-parse', 'HEAD');
    git('checkout', '-q', 'main');
    worktree = join(dir, 'worktrees', 'backend');
    git('worktree', 'add', '-q', worktree, 'baton/r1/backend');

    ({ app, host, rpc } = await serveApp(join(dir, 'data')));
    await rpc('workspaces.add', { id: 'webapp', path: repo });
    const output: CodingOutput = {
      workspace_id: 'webapp',
      branch: 'baton/r1/backend',
      commit: built,
      start_commit: base,
      files: [{ path: 'src/app.ts', status: 'modified', additions: 2, deletions: 1 }],
      additions: 2,
      deletions: 1,
      summary: 'Port from the environment',
      session_id: null,
      diff_artifact: null,
    };
    await rpc('agents.import', {
      agents: [
        {
          id: 'coder',
          kind: 'command',
          skills: ['code'],
          command: process.execPath,
          args: ['-e', `console.log('::result ' + ${JSON.stringify(JSON.stringify(output))})`],
        },
      ],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'webapp',
        tasks: [{ task_id: 'backend', description: 'Serve on $PORT', required_skills: ['code'] }],
      },
    });
    runId = ((await rpc('runs.start', { plan_id: 'webapp' })).value as { run_id: string }).run_id;
    for (let i = 0; i < 300; i++) {
      const r = (await rpc('runs.get', { run_id: runId })).value as { status: string };
      if (r.status !== 'executing') break;
      await new Promise((done) => setTimeout(done, 100));
    }
    const session = {
      run_id: runId,
      task_id: 'backend',
      workspace_id: 'webapp',
      agent_id: 'coder',
      cli: 'claude' as const,
      dir: worktree,
      branch: 'baton/r1/backend',
      start_commit: base,
      session_id: 'sess-1',
      home: null,
      attempt: 1,
      state: 'active' as const,
      updated_at: new Date().toISOString(),
    };
    app.store.tx(() => app.store.sessions.upsert(session));
    app.bus.emit('session.updated', session);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(host.openUrl);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^webapp/ })
      .click();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await app?.close();
    await removeDataDir(dir);
  });

  const branches = () => page.getByRole('list', { name: 'Branches of the run' });

  it('lists each coding task’s branch with its commit, +/- and worktree', async () => {
    const row = branches().getByRole('listitem').filter({ hasText: 'backend' });
    await expect.poll(() => row.textContent()).toContain('worktree in use');
    expect(await row.textContent()).toBe(
      `backend baton/r1/backend at ${built.slice(0, 10)} +2 −1 · worktree in use`,
    );
  });

  it('keeps the task’s worktree, and lets it go: removed from disk, the branch stays', async () => {
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task backend/ })
      .click();
    const details = page.getByRole('region', { name: 'Task backend details' });
    const keep = details.getByRole('button', { name: /^(Keep worktree|Worktree kept)$/ });
    expect(await keep.getAttribute('aria-pressed')).toBe('false');
    await keep.click();
    await expect.poll(() => branches().textContent()).toContain('worktree kept');
    expect(await keep.getAttribute('aria-pressed')).toBe('true');
    const stored = (await rpc('runs.sessions', { run_id: runId })).value as unknown as { state: string }[];
    expect(stored[0]!.state).toBe('kept');
    await page.screenshot({ path: join(shots, 'run-branches.png') });

    // The run has ended: letting go removes the worktree now (nothing else will).
    await keep.click();
    await expect.poll(() => branches().textContent()).toContain('worktree removed');
    expect(await keep.count()).toBe(0);
    expect(existsSync(worktree)).toBe(false);
    expect(git('rev-parse', 'baton/r1/backend')).toBe(built);
  });

  it('is readable in the light and the dark theme', async () => {
    for (const scheme of ['dark', 'light'] as const) {
      await expectReadableIn(page, scheme);
    }
  });

  it('merges into a new branch by default, made from the base branch, after asking, and says what git did', async () => {
    await page.getByRole('button', { name: 'Merge branches…' }).click();
    const dialog = page.getByRole('dialog', { name: "Merge the run's branches" });
    const field = dialog.getByLabel('Target branch');
    const fresh = `baton/merge/${runId}`;
    // Offered: a new branch of the run's own, from the workspace's base branch (main, checked out).
    expect(await field.inputValue()).toBe(fresh);
    expect(
      await dialog
        .getByRole('radio', { name: /^A new branch, made from the workspace's base branch \(main\)/ })
        .isChecked(),
    ).toBe(true);
    await expectReadableAtWidths(page, 'run-branches-merge', shots);
    await field.fill('');
    await dialog.getByRole('button', { name: /^Merge into/ }).click();
    expect(await dialog.getByText('Target branch is required').isVisible()).toBe(true);
    // A new branch by a name a branch has: refused under the field, naming it.
    await field.fill('main');
    await dialog.getByRole('button', { name: 'Merge into main' }).click();
    await expect
      .poll(() => dialog.locator('.field-error').textContent())
      .toMatch(/^Target branch: branch main already exists in .*repo; name a new branch/);
    await field.fill(fresh);
    await dialog.getByRole('button', { name: `Merge into ${fresh}` }).click();
    const result = page.getByRole('status', { name: 'Merge result' });
    await result.waitFor();
    expect(await result.textContent()).toBe(
      `webapp: ${fresh} made from main at ${base.slice(0, 10)} → ${built.slice(0, 10)} (baton/r1/backend fast-forward)`,
    );
    expect(git('rev-parse', fresh)).toBe(built);
    expect(git('rev-parse', 'main')).toBe(base);
    expect(git('symbolic-ref', '--short', 'HEAD')).toBe('main');
  });

  it('merges into a branch that exists, never the checked-out one, and says what git did', async () => {
    await page.getByRole('button', { name: 'Merge branches…' }).click();
    const dialog = page.getByRole('dialog', { name: "Merge the run's branches" });
    const field = dialog.getByLabel('Target branch');
    await dialog.getByRole('radio', { name: /^A branch that exists/ }).check();
    expect(await field.inputValue()).toBe('');
    // main is checked out in the repository: the host will not move it under the person's files.
    await field.fill('main');
    await dialog.getByRole('button', { name: 'Merge into main' }).click();
    await expect
      .poll(() => dialog.locator('.field-error').textContent())
      .toMatch(/^Target branch: main is checked out at .*repo/);
    expect(git('rev-parse', 'main')).toBe(base);
    git('checkout', '-q', '-b', 'elsewhere');
    await dialog.getByRole('radio', { name: /Fast-forward/ }).check();
    await dialog.getByRole('button', { name: 'Merge into main' }).click();
    const result = page.getByRole('status', { name: 'Merge result' });
    await expect
      .poll(() => result.textContent())
      .toBe(`webapp: main ${base.slice(0, 10)} → ${built.slice(0, 10)} (baton/r1/backend fast-forward)`);
    expect(git('rev-parse', 'main')).toBe(built);
  });
});
