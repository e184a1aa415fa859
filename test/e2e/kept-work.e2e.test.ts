import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { running, sleepTags } from '../../src-main/processes/testing/processes.ts';
import { writeFakeQwen } from '../kit/fake-qwen.ts';
import { serveApp } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * The work coding attempts did not finish, and the branches runs leave, as a person meets them:
 * in the task panel (the kept work, a look at its commit and diff, Resume and Discard), on the
 * Workspaces screen (a workspace deleted from disk flagged, each workspace's task branches with a
 * clean-up that lists what goes), and before a run of a plan whose workspace is missing. Real
 * runs: the coding executor runs a fake qwen script in a real repository.
 */
const tags = sleepTags();

describe.skipIf(skipE2e)('kept work and task branches', () => {
  let dir: string;
  let repo: string;
  let gone: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let rpc: Rpc;
  let runId: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
  const makeRepo = (at: string) => {
    mkdirSync(at, { recursive: true });
    git(at, 'init', '-q', '-b', 'main');
    writeFileSync(join(at, 'README.md'), '# webapp\n');
    git(at, 'add', '-A');
    git(at, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
  };
  const agent = (id: string, mode: string) => ({
    id,
    kind: 'coding',
    cli: 'qwen',
    skills: [id],
    executable: join(dir, 'qwen'),
    env: { LOG: join(dir, 'cli.log'), MODE: mode },
  });
  const settled = async (run: string) => {
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
  };

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-kept-e2e-')));
    repo = join(dir, 'projects', 'webapp');
    gone = join(dir, 'projects', 'old-site');
    makeRepo(repo);
    makeRepo(gone);
    writeFakeQwen(dir);
    ({ app, host, rpc } = await serveApp(join(dir, 'data')));
    await rpc('workspaces.add', { id: 'webapp', path: repo });
    await rpc('workspaces.add', { id: 'old-site', path: gone });
    await rpc('agents.import', {
      agents: [agent('coder', 'fail'), agent('builder', 'done'), agent('idle', 'fail-empty')],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'webapp',
        workspace: 'webapp',
        tasks: [
          { task_id: 'api', description: 'Serve the API', required_skills: ['coder'] },
          { task_id: 'web', description: 'Build the pages', required_skills: ['coder'] },
          { task_id: 'docs', description: 'Write the docs', required_skills: ['builder'] },
          { task_id: 'lint', description: 'Lint', required_skills: ['idle'] },
        ],
      },
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'old-site',
        workspace: 'old-site',
        tasks: [{ task_id: 'migrate', description: 'Migrate', required_skills: ['builder'] }],
      },
    });
    runId = ((await rpc('runs.start', { plan_id: 'webapp' })).value as { run_id: string }).run_id;
    await settled(runId);
    rmSync(gone, { recursive: true, force: true });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    // Who decides (a retry asks once): said before the page opens.
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Bo', agentId: null })),
    );
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

  const taskPanel = (task: string) => page.getByRole('region', { name: `Task ${task} details` });
  const openTask = async (task: string) => {
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: new RegExp(`^Task ${task}`) })
      .click();
    await taskPanel(task).waitFor();
  };

  it('shows a failed task’s kept work: its branch, its work-in-progress commit and its diff', async () => {
    await openTask('api');
    const kept = taskPanel('api').getByRole('region', { name: 'Kept work of api' });
    await kept.waitFor();
    const wip = git(repo, 'rev-parse', `baton/${runId}/api`);
    expect(await kept.textContent()).toContain(
      `What it did is on baton/${runId}/api as work in progress ${wip.slice(0, 10)}, not reviewed by anyone: 1 file, +1 −0.`,
    );
    expect(await kept.textContent()).toContain('Attempt 1 ended failed: qwen exited with code 3');
    await page.screenshot({ path: join(shots, 'kept-work-1440.png') });
    await kept.getByRole('button', { name: 'Look at the work' }).click();
    const viewer = page.getByRole('dialog', { name: 'Kept work of api' });
    await viewer.getByRole('region', { name: 'Diff' }).waitFor();
    expect(await viewer.getByRole('region', { name: 'Work-in-progress commit' }).textContent()).toMatch(
      /^WIP \(unreviewed\): task api, attempt 1 failed\n/,
    );
    expect(await viewer.getByRole('list', { name: 'Files changed' }).textContent()).toBe(
      'work-1.txt added +1 −0',
    );
    expect(await viewer.getByRole('region', { name: 'Diff' }).textContent()).toContain(
      `+api, attempt 1 of ${runId}`,
    );
    await page.screenshot({ path: join(shots, 'kept-work-diff-1440.png') });
    await viewer.getByRole('button', { name: 'Close' }).click();
    await page.setViewportSize({ width: 1024, height: 800 });
    await kept.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'kept-work-1024.png') });
    await page.setViewportSize({ width: 1440, height: 1000 });
  });

  it('is readable in the light and the dark theme', async () => {
    for (const scheme of ['dark', 'light'] as const) await expectReadableIn(page, scheme);
  });

  it('discards one task’s work after a yes: its branch is deleted', async () => {
    await openTask('web');
    const kept = taskPanel('web').getByRole('region', { name: 'Kept work of web' });
    await kept.getByRole('button', { name: 'Discard the work of web' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Discard the work of web?' });
    expect(await ask.textContent()).toContain(`branch baton/${runId}/web at`);
    await ask.getByRole('button', { name: 'Discard the work' }).click();
    await expect
      .poll(() => kept.textContent())
      .toBe(`The work attempt 1 left was discarded: its branch baton/${runId}/web is deleted.`);
    expect(git(repo, 'branch', '--list', `baton/${runId}/web`)).toBe('');
  });

  it('resumes another’s in a new run that goes on from its branch', async () => {
    // The agent answers this time.
    await rpc('agents.import', { agents: [agent('coder', 'done')] });
    await openTask('api');
    await taskPanel('api')
      .getByRole('region', { name: 'Kept work of api' })
      .getByRole('button', { name: 'Resume' })
      .click();
    await page
      .getByRole('alertdialog', { name: 'Resume the work of api?' })
      .getByRole('button', { name: 'Resume' })
      .click();
    await expect
      .poll(
        async () => ((await rpc('runs.list', { plan_id: 'webapp' })).value as unknown as unknown[]).length,
      )
      .toBe(2);
    const [newest] = (await rpc('runs.list', { plan_id: 'webapp' })).value as unknown as { id: string }[];
    await settled(newest!.id);
    expect(app.store.runs.task(newest!.id, 'api')!.status).toBe('done');
    expect(git(repo, 'log', '-2', '--format=%s', `baton/${runId}/api`).split('\n')[1]).toBe(
      'WIP (unreviewed): task api, attempt 1 failed',
    );
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^webapp/ })
      .click();
  });

  it('flags the workspace deleted from disk, and lists each workspace’s task branches with a clean-up that says what goes', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Workspaces' })
      .click();
    const table = page.getByRole('table', { name: 'Workspaces' });
    await table.waitFor();
    const missing = table.getByRole('note', { name: 'old-site is missing' });
    expect(await missing.textContent()).toBe(
      'Missing: its folder is gone (deleted or moved). Runs that need it are refused: remove it and add it again where it is now.',
    );
    expect(await table.getByRole('row', { name: /^old-site Missing/ }).count()).toBe(1);
    const fold = table.locator('details.workspace-branches');
    await fold.locator('summary').click();
    // lint failed before it wrote anything, in both runs (empty); docs, web (run again in the new
    // run) and api (resumed there) are done and not merged.
    expect(await fold.locator('summary').textContent()).toBe(
      'Branches: 5 task branches (3 unmerged, 2 empty)',
    );
    await page.screenshot({ path: join(shots, 'workspace-branches-1440.png') });
    await fold.getByRole('button', { name: 'Clean up the branches of webapp' }).click();
    const ask = page.getByRole('alertdialog', { name: /^Delete \d branch(es)? of webapp\?$/ });
    const going = await ask.getByRole('list', { name: 'Branches that go' }).textContent();
    expect(going).toContain(`baton/${runId}/lint`);
    expect(going).not.toContain(`baton/${runId}/docs`);
    await ask.getByRole('button', { name: 'Delete them' }).click();
    await page.getByRole('status', { name: 'Branches deleted in webapp' }).waitFor();
    expect(git(repo, 'branch', '--list', `baton/${runId}/lint`)).toBe('');
    expect(git(repo, 'branch', '--list', `baton/${runId}/docs`)).not.toBe('');
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.screenshot({ path: join(shots, 'workspace-branches-1024.png') });
    await page.setViewportSize({ width: 1440, height: 1000 });
  });

  it('says before a run that a coding task’s workspace is missing, and the host refuses it', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Plans' }).click();
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^old-site/ })
      .click();
    const before = page.getByRole('note', { name: 'Before you run' });
    await before.waitFor();
    expect(await before.textContent()).toContain(
      'migrate: its workspace "old-site" is missing: its folder is gone (deleted or moved).',
    );
    await page.screenshot({ path: join(shots, 'before-you-run-missing-1440.png') });
    const refused = await rpc('runs.start', { plan_id: 'old-site' });
    expect((refused.error as { message: string }).message).toContain(
      `workspace "old-site", which is missing (${gone}: its folder is gone`,
    );
  });

  it('retries a failed coding task in its run from the kept work, or clean when the box is ticked', async () => {
    const tag = tags.next();
    await rpc('agents.import', {
      agents: [
        { ...agent('flaky', 'done'), env: { ...agent('flaky', 'done').env, MODE_1: 'fail' } },
        { ...agent('holder', 'hang'), env: { ...agent('holder', 'hang').env, TAG: tag } },
      ],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'retry',
        workspace: 'webapp',
        tasks: [
          { task_id: 'flaky', description: 'Fails once', required_skills: ['flaky'] },
          { task_id: 'hold', description: 'Keeps the run going', required_skills: ['holder'] },
        ],
      },
    });
    const run = ((await rpc('runs.start', { plan_id: 'retry' })).value as { run_id: string }).run_id;
    await expect.poll(() => app.store.runs.task(run, 'flaky')?.status, { timeout: 30_000 }).toBe('failed');
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^retry/ })
      .click();
    await openTask('flaky');
    await taskPanel('flaky').getByRole('button', { name: 'Retry', exact: true }).click();
    const ask = page.getByRole('alertdialog', { name: 'Retry flaky in this run?' });
    expect(await ask.textContent()).toContain(
      'The attempt starts from what the last one left in its worktree.',
    );
    await ask.getByRole('checkbox', { name: /^Start clean/ }).check();
    await page.screenshot({ path: join(shots, 'retry-start-clean-1440.png') });
    await ask.getByRole('button', { name: 'Retry flaky' }).click();
    await expect.poll(() => app.store.runs.task(run, 'flaky')?.status, { timeout: 30_000 }).toBe('done');
    const logs = (await rpc('runs.taskLogs', { run_id: run, task_id: 'flaky' })).value as unknown as {
      text: string;
    }[];
    expect(
      logs.some((l) => l.text.startsWith('starting clean, as asked: ')),
      JSON.stringify(logs),
    ).toBe(true);
    await rpc('runs.cancel', { run_id: run });
    await settled(run);
    await expect.poll(() => running(tag).length).toBe(0);
  });
});
