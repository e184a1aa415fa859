import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots as SHOTS_ROOT, skipE2e } from './harness.ts';

/** Where the screenshots of this test go, to be looked at. */
const SHOTS = join(SHOTS_ROOT, 'forge');

function gitRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# app\n');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
  return realpathSync(dir);
}

interface Remote {
  url: string;
  base_branch: string | null;
  forge: {
    kind: string;
    api_url: string;
    repo: string;
    token_secret: string;
    webhook_secret?: string;
  } | null;
}

/**
 * Where a workspace's work lands, set from its row on the Workspaces screen: the remote URL, the
 * forge, its repository and the name of its token's secret; a forge not built yet and a URL
 * holding a password are named under their fields, and nothing is saved.
 */
describe.skipIf(skipE2e)('a workspace remote and forge on the Workspaces screen', () => {
  let baton: Baton;
  let page: Page;
  let tmp: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'baton-remote-ui-'));
    mkdirSync(SHOTS, { recursive: true });
    baton = await launchBaton('workspace-remote', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('workspaces.add', { id: 'app', path: gitRepo(join(tmp, 'app')) });
    await page.goto(baton.server.url);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Workspaces', exact: true })
      .click();
  });
  afterAll(async () => {
    await baton?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const remoteOf = async () => {
    const listed = (await baton.rpc('workspaces.list', {})).value as unknown as { remote: Remote | null }[];
    return listed[0]?.remote ?? null;
  };
  const form = () => page.getByRole('form', { name: 'Remote of workspace app' });

  it('refuses a password in the URL and Gitea without its address, under their fields', async () => {
    await expect
      .poll(() => page.getByRole('note', { name: 'Remote of app' }).textContent())
      .toContain('no remote');
    await page.getByRole('button', { name: 'Remote of app…' }).click();
    await form().getByLabel('Remote URL').fill('https://me:ghp_secret@gitea.example/acme/app.git');
    await form().getByLabel('Forge', { exact: true }).selectOption('gitea');
    await form().getByLabel('Repository on the forge').fill('acme/app');
    await form().getByLabel('Token secret').fill('gitea.token');
    await form().getByRole('button', { name: 'Save remote' }).click();
    await expect
      .poll(() => form().locator('.field-error').allTextContents())
      .toEqual(
        expect.arrayContaining([
          'Remote URL: must not hold a password: name the token as the forge token secret',
          'Forge API URL: Gitea and Forgejo have no default host: forge.api_url must be the address of yours (https://gitea.example.com)',
        ]),
      );
    expect(await remoteOf()).toBeNull();
  });

  it('saves a GitHub remote, shows it on the row, and clears it again', async () => {
    await form().getByLabel('Remote URL').fill('https://github.com/acme/app.git');
    await form().getByLabel('Forge', { exact: true }).selectOption('github');
    // Gitea's required address was refused above: on GitHub it is optional, and its error goes.
    await expect
      .poll(() => form().locator('.field-error').allTextContents())
      .not.toContainEqual(expect.stringContaining('Forge API URL'));
    await form().getByLabel('Token secret').fill('github.token');
    await form().getByLabel('Webhook secret').fill('github.hook');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({
        path: join(SHOTS, `workspace-remote-form-1440-${scheme}.png`),
        fullPage: true,
      });
    }
    await form().getByRole('button', { name: 'Save remote' }).click();
    await expect.poll(remoteOf).toEqual({
      url: 'https://github.com/acme/app.git',
      base_branch: null,
      forge: {
        kind: 'github',
        api_url: 'https://api.github.com',
        repo: 'acme/app',
        token_secret: 'github.token',
        webhook_secret: 'github.hook',
      },
    });
    const note = page.getByRole('note', { name: 'Remote of app' });
    await expect.poll(() => note.textContent()).toContain('GitHub acme/app');
    await form().waitFor({ state: 'detached' });
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({
          path: join(SHOTS, `workspace-remote-row-${width}-${scheme}.png`),
          fullPage: true,
        });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Remote of app…' }).click();
    expect(await form().getByLabel('Token secret').inputValue()).toBe('github.token');
    await form().getByLabel('Remote URL').fill('');
    await form().getByRole('button', { name: 'Save remote' }).click();
    await expect.poll(remoteOf).toBeNull();
    await expect.poll(() => note.textContent()).toContain('no remote');
  });

  it('saves a GitLab remote in a subgroup, with gitlab.com as its API by default', async () => {
    await page.getByRole('button', { name: 'Remote of app…' }).click();
    await form().getByLabel('Remote URL').fill('https://gitlab.com/acme/platform/app.git');
    await form().getByLabel('Forge', { exact: true }).selectOption('gitlab');
    await form().getByLabel('Repository on the forge').fill('acme/platform/app');
    await form().getByLabel('Token secret').fill('gitlab.token');
    expect(await form().getByLabel('Forge API URL').getAttribute('placeholder')).toBe(
      'https://gitlab.com/api/v4',
    );
    await form().getByRole('button', { name: 'Save remote' }).click();
    await expect.poll(remoteOf).toEqual({
      url: 'https://gitlab.com/acme/platform/app.git',
      base_branch: null,
      forge: {
        kind: 'gitlab',
        api_url: 'https://gitlab.com/api/v4',
        repo: 'acme/platform/app',
        token_secret: 'gitlab.token',
      },
    });
    await expect
      .poll(() => page.getByRole('note', { name: 'Remote of app' }).textContent())
      .toContain('GitLab acme/platform/app');
  });
});
