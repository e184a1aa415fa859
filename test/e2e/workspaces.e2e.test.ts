import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/** A real git repository with one commit on `trunk`. */
function gitRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'trunk');
  writeFileSync(join(dir, 'README.md'), '# app\n');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
  return realpathSync(dir);
}

describe.skipIf(skipE2e)('the Workspaces screen', () => {
  let baton: Baton;
  let page: Page;
  let tmp: string;
  let repo: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'baton-ws-e2e-'));
    repo = gitRepo(join(tmp, 'app'));
    mkdirSync(join(tmp, 'plain'));
    baton = await launchBaton('workspaces');
    page = baton.page;
    await page.goto(baton.server.url);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Workspaces' })
      .click();
    await page.getByRole('heading', { name: 'Workspaces', level: 1 }).waitFor();
  });
  afterAll(async () => {
    await baton?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const form = () => page.getByRole('form', { name: 'Add a workspace' });
  const fill = async (fields: Record<string, string>) => {
    for (const [label, value] of Object.entries(fields)) {
      const field = form().getByLabel(label, { exact: false }).first();
      // The environment is folded under its summary until a person opens it.
      if (label === 'Environment' && !(await field.isVisible()))
        await form().getByText('Environment variables (optional)').click();
      await field.fill(value);
    }
    await form().getByRole('button', { name: 'Add workspace' }).click();
  };
  const errorOf = (label: string) => form().locator('label', { hasText: label }).locator('.field-error');

  it('starts with what a workspace is and the form, folder first; a hint under each field that its error replaces', async () => {
    // Empty: the note saying what a workspace is, and the form beside it, over the (empty) list.
    const note = page.getByRole('note', { name: 'No workspaces yet' });
    await note.waitFor();
    expect(await form().isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add a workspace' }).count()).toBe(0);
    // Each field is named by its label alone and described by its hint, in words.
    const hintOf = async (label: string) => {
      const id = await form().getByLabel(label).getAttribute('aria-describedby');
      return id ? ((await page.locator(`[id="${id}"]`).textContent()) ?? '') : '';
    };
    expect(await hintOf('Base branch')).toMatch(/^Optional\. .*current branch/);
    expect(await hintOf('Setup script')).toMatch(/before the agent starts/);
    // An error takes the hint's place under its field, and is what describes it.
    await form().getByRole('button', { name: 'Add workspace' }).click();
    await expect.poll(() => hintOf('Id')).toBe('Id is required');
    expect(await form().getByLabel('Id').getAttribute('aria-invalid')).toBe('true');
    expect(await hintOf('Base branch')).toMatch(/^Optional\./);
  });

  it('says what is wrong under each field, the form’s checks and the host’s', async () => {
    await fill({ Id: '', 'Repository folder': 'app', 'Setup script': 'sh -c "x' });
    expect(await errorOf('Id').textContent()).toBe('Id is required');
    expect(await errorOf('Repository folder').textContent()).toBe(
      'Repository folder must be an absolute path (it starts with /)',
    );
    expect(await errorOf('Setup script').textContent()).toBe('Setup script has a " that is never closed');

    // The host looks at the folder: not a git repository, or no such branch, said under that field.
    await fill({ Id: 'plain', 'Repository folder': join(tmp, 'plain'), 'Setup script': '' });
    await expect.poll(() => errorOf('Repository folder').textContent()).toMatch(/^Repository folder.*git/i);
    await fill({ 'Repository folder': repo, 'Base branch': 'nope' });
    await expect.poll(() => errorOf('Base branch').textContent()).toMatch(/^Base branch.*nope/);
    expect(await errorOf('Repository folder').textContent()).toBe('');
    expect((await baton.rpc('workspaces.list', {})).value).toEqual([]);
  });

  it('adds a repository with its setup command and environment, and lists it', async () => {
    await form().getByLabel('Base branch').fill('');
    await fill({
      Id: 'app',
      'Repository folder': repo,
      'Setup script': 'npm ci --prefer-offline',
      'Keep between attempts': 'node_modules/ .venv/',
      Environment: 'NODE_ENV=test\nTOKEN=secret:gh.token',
    });
    const row = page.getByRole('table', { name: 'Workspaces' }).getByRole('row', { name: /^app/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(repo);
    expect(await row.textContent()).toContain('trunk');
    expect(await row.textContent()).toContain('npm ci --prefer-offline');
    expect(await row.textContent()).toContain('NODE_ENV, TOKEN');
    expect(await row.textContent()).toContain('keeps node_modules/, .venv/');
    const [stored] = (await baton.rpc('workspaces.list', {})).value as unknown as Record<string, unknown>[];
    expect(stored).toMatchObject({
      id: 'app',
      path: repo,
      base_branch: 'trunk',
      setup_command: ['npm', 'ci', '--prefer-offline'],
      env: { NODE_ENV: 'test', TOKEN: { secret: 'gh.token' } },
      keep_ignored: ['node_modules/', '.venv/'],
    });
    // The form folds away once there is a workspace; opened again it is empty, and the same id
    // again is refused under Id, never replaced.
    await page.getByRole('button', { name: 'Add a workspace' }).click();
    expect(await form().getByLabel('Id').inputValue()).toBe('');
    await fill({ Id: 'app', 'Repository folder': repo });
    await expect.poll(() => errorOf('Id').textContent()).toMatch(/^Id: .*already exists/);
    await form().getByRole('button', { name: 'Cancel' }).click();
    await page.screenshot({ path: join(shots, 'workspaces.png') });
    // In a narrow window the row fits: nothing runs past the page, its buttons in view.
    await page.setViewportSize({ width: 1024, height: 700 });
    await expect
      .poll(async () => {
        const remove = await page.getByRole('button', { name: 'Remove app' }).boundingBox();
        const wide = await page.evaluate(() => {
          const main = document.querySelector('main');
          return main ? main.scrollWidth - main.clientWidth : 0;
        });
        return Boolean(remove && remove.x + remove.width <= 1024 && wide <= 0);
      })
      .toBe(true);
    // The row's buttons say one word each, on one line ("Remove hello-web" wrapped at 1024); their names keep the id.
    const [prune, removeBox] = [
      await page.getByRole('button', { name: 'Prune app' }).boundingBox(),
      await page.getByRole('button', { name: 'Remove app' }).boundingBox(),
    ];
    expect(removeBox?.height).toBe(prune?.height);
    // The setup command wraps between its arguments, not at the hyphens of --prefer-offline.
    const argLines = await row.locator('code.argv .arg').evaluateAll((spans) =>
      spans.map((span) => {
        const range = document.createRange();
        range.selectNodeContents(span);
        return [span.textContent, new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size];
      }),
    );
    expect(argLines).toEqual([
      ['npm', 1],
      ['ci', 1],
      ['--prefer-offline', 1],
    ]);
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('is readable in the light and the dark theme', async () => {
    for (const scheme of ['dark', 'light'] as const) {
      await expectReadableIn(page, scheme);
    }
  });

  it('picks a repository in the app, takes its origin as where its work lands, and edits its setup and checks in place', async () => {
    const other = gitRepo(join(tmp, 'other'));
    execFileSync('git', ['remote', 'add', 'origin', 'git@github.com:acme/other.git'], { cwd: other });
    await page.getByRole('button', { name: 'Add a workspace' }).click();
    await form().getByLabel('Repository folder').fill(tmp);
    await form().getByRole('button', { name: 'Browse…' }).click();
    const picker = page.getByRole('dialog', { name: 'Choose a repository folder' });
    const folders = picker.getByRole('list', { name: `Folders in ${realpathSync(tmp)}` });
    await folders.waitFor();
    // Repositories are marked; a plain folder is only opened.
    expect(await folders.getByRole('button', { name: 'Use other' }).count()).toBe(1);
    expect(await folders.getByRole('button', { name: 'Use plain' }).count()).toBe(0);
    await page.screenshot({ path: join(shots, 'workspaces-picker.png') });
    await folders.getByRole('button', { name: 'Use other' }).click();
    // The folder fills the id; its origin is offered as where the work lands.
    await expect.poll(() => form().getByLabel('Id').inputValue()).toBe('other');
    const offer = form().locator('label.origin-offer');
    await expect.poll(() => offer.textContent()).toContain('GitHub acme/other');
    await form().getByLabel('Setup script').fill('npm ci\nnpm run build');
    await form().getByRole('button', { name: 'Add workspace' }).click();
    const table = page.getByRole('table', { name: 'Workspaces' });
    const row = table.getByRole('row', { name: /^other/ });
    await row.waitFor();
    expect(await row.getByRole('note', { name: 'Remote of other' }).textContent()).toContain(
      'GitHub acme/other',
    );
    const stored = (
      (await baton.rpc('workspaces.list', {})).value as unknown as Record<string, unknown>[]
    ).find((w) => w.id === 'other');
    expect(stored).toMatchObject({
      setup_command: ['sh', '-c', 'npm ci\nnpm run build'],
      remote: {
        url: 'git@github.com:acme/other.git',
        forge: { kind: 'github', repo: 'acme/other', token_secret: 'github.token' },
      },
    });

    // A plan names it: the row says so, and still does after its checks are edited.
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'uses-other',
        name: 'Uses other',
        workspace: 'other',
        tasks: [{ task_id: 't', description: 'x' }],
      },
    });
    await expect.poll(() => row.textContent()).toContain('named by plan Uses other');
    await row.getByRole('button', { name: 'Checks of other…' }).click();
    const checks = page.getByRole('form', { name: 'Checks of workspace other' });
    // What a check finds here: the node its PATH gives, with its version.
    await expect
      .poll(() => checks.getByRole('note', { name: 'What checks find' }).textContent())
      .toMatch(/node v\d+/);
    await checks.getByLabel('Name').fill('test');
    await checks.getByLabel('Command').fill('npm ci && npm test');
    const shell = checks.getByRole('note').filter({ hasText: 'runs without a shell' });
    expect(await shell.textContent()).toContain('&& is handed to the program as a word');
    await page.screenshot({ path: join(shots, 'workspaces-checks.png') });
    await shell.getByRole('button', { name: 'Run it with sh -c' }).click();
    expect(await checks.getByLabel('Command').inputValue()).toBe("sh -c 'npm ci && npm test'");
    await checks.getByRole('button', { name: 'Save checks' }).click();
    await expect
      .poll(() => row.getByRole('note', { name: 'Checks of other' }).textContent())
      .toContain('checks test');
    expect(await row.textContent()).toContain('named by plan Uses other');
    const saved = (
      (await baton.rpc('workspaces.list', {})).value as unknown as Record<string, unknown>[]
    ).find((w) => w.id === 'other');
    expect(saved?.checks).toEqual([{ name: 'test', command: ['sh', '-c', 'npm ci && npm test'] }]);

    // Its environment and what a reused worktree keeps, edited on the registered workspace: a bad
    // line is named under its field and nothing is saved; then both are saved.
    await row.getByRole('button', { name: 'Setup of other…' }).click();
    const setup = page.getByRole('form', { name: 'Setup of workspace other' });
    await setup.getByLabel('Environment').fill('NODE_ENV=test\nnot a variable');
    await setup.getByLabel('Keep between attempts').fill('node_modules/, !dist/');
    await setup.getByRole('button', { name: 'Save setup' }).click();
    await expect
      .poll(() => setup.locator('.field-error').allTextContents())
      .toEqual([
        '',
        'Environment: line 2 (not a variable) needs NAME=value',
        'Keep between attempts: !dist/: list only what to keep (no !)',
      ]);
    await setup.getByLabel('Environment').fill('NODE_ENV=test\nNPM_TOKEN=secret:npm.token');
    await setup.getByLabel('Keep between attempts').fill('node_modules/, .venv/');
    await page.screenshot({ path: join(shots, 'workspaces-setup-env.png') });
    await setup.getByRole('button', { name: 'Save setup' }).click();
    await expect.poll(() => row.textContent()).toContain('env NODE_ENV, NPM_TOKEN');
    expect(await row.textContent()).toContain('keeps node_modules/, .venv/');
    const prepared = (
      (await baton.rpc('workspaces.list', {})).value as unknown as Record<string, unknown>[]
    ).find((w) => w.id === 'other');
    expect(prepared).toMatchObject({
      setup_command: ['sh', '-c', 'npm ci\nnpm run build'],
      env: { NODE_ENV: 'test', NPM_TOKEN: { secret: 'npm.token' } },
      keep_ignored: ['node_modules/', '.venv/'],
    });
    await baton.rpc('plans.delete', { plan_id: 'uses-other' });
    await baton.rpc('workspaces.remove', { workspace_id: 'other' });
    await expect.poll(() => row.count()).toBe(0);
  });

  it('prunes (nothing to remove here) and removes after a confirmation; one added elsewhere appears', async () => {
    const table = page.getByRole('table', { name: 'Workspaces' });
    await table.getByRole('button', { name: 'Prune app' }).click();
    const report = page.getByRole('status', { name: 'Pruned app' });
    await report.waitFor();
    expect(await report.textContent()).toContain('0 worktrees removed, 0 stale records cleared');

    // Added over the API (another window, the CLI): the screen hears of it.
    await baton.rpc('workspaces.add', { id: 'other', path: repo });
    await table.getByRole('row', { name: /^other/ }).waitFor();

    await table.getByRole('button', { name: 'Remove app' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Remove workspace app?' });
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => table.getByRole('row', { name: /^app/ }).count()).toBe(0);
    expect(
      ((await baton.rpc('workspaces.list', {})).value as unknown as { id: string }[]).map((w) => w.id),
    ).toEqual(['other']);
  });
});
