import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { type GitHubServer, startGitHubServer } from '../kit/forge/github.ts';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

// A plan's Triggers tab watching GitHub issues, in Chromium against `baton serve` and the scripted
// GitHub REST server: a trigger made in the form starts a run for the labelled issue (the Runs
// screen says "GitHub issue #1"), and one whose token GitHub refuses says why in its row.
const plan = {
  plan_id: 'fix-issue',
  run_inputs: { title: { type: 'string', required: true }, body: { type: 'string' } },
  tasks: [{ task_id: 'fix', description: 'fix what the issue says', required_skills: ['x'] }],
};

describe.skipIf(skipE2e)('a trigger watching GitHub issues, in the app', () => {
  let baton: Baton;
  let page: Page;
  let gh: GitHubServer;
  const repos: TempRepo[] = [];

  beforeAll(async () => {
    gh = await startGitHubServer({ repo: 'acme/app', tokens: { ghp_good: 'write' } });
    gh.addIssue('Login fails with a long password', 'Passwords over 72 bytes are cut.', ['baton']);
    baton = await launchBaton('issues', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('secrets.set', { name: 'github.token', value: 'ghp_good' });
    await baton.rpc('secrets.set', { name: 'stale.token', value: 'ghp_stale' });
    for (const [id, secret] of [
      ['app', 'github.token'],
      ['old', 'stale.token'],
    ] as const) {
      const repo = makeRepo();
      repos.push(repo);
      await baton.rpc('workspaces.add', {
        id,
        path: repo.repo,
        remote: {
          url: 'https://example.invalid/acme/app.git',
          forge: { kind: 'github', api_url: gh.url, repo: 'acme/app', token_secret: secret },
        },
      });
    }
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await baton.rpc('plans.import', { plan });
    await page.goto(baton.server.url);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /fix-issue/ })
      .click();
    await page.getByRole('tab', { name: 'Triggers' }).click();
  });
  afterAll(async () => {
    await baton?.close();
    await gh?.stop();
    for (const r of repos) r.cleanup();
  });

  const watch = async (id: string, workspace: string) => {
    const form = page.getByRole('form', { name: 'Watch GitHub issues' });
    await form.getByRole('textbox', { name: /^Id/ }).fill(id);
    await form.getByLabel('Workspace').selectOption(workspace);
    expect(await form.getByRole('textbox', { name: 'Label' }).inputValue()).toBe('baton');
    expect(await form.getByRole('textbox', { name: 'Issue title into input' }).inputValue()).toBe('title');
    await form.getByRole('button', { name: 'Watch issues' }).click();
    const row = page
      .getByRole('table', { name: 'Triggers' })
      .getByRole('row', { name: new RegExp(`^${id}`) });
    await row.waitFor();
    return row;
  };

  it('starts a run for the labelled issue, said on the Runs screen, and shows a refused token in the trigger’s row', async () => {
    const row = await watch('issues', 'app');
    expect(await row.textContent()).toContain('GitHub issues labelled "baton" (workspace app)');
    await expect
      .poll(async () => (await baton.runsOf('fix-issue')).map((r) => r.started_by))
      .toEqual(['github-issue:acme/app#1']);

    const stale = await watch('stale', 'old');
    const error = stale.getByRole('status', { name: 'Last error of trigger stale' });
    await expect
      .poll(() => error.textContent(), { timeout: 15_000 })
      .toContain('GitHub refused the token in secret "stale.token" (401 Bad credentials)');
    expect(await row.textContent()).not.toContain('Bad credentials');
    expect((await baton.runsOf('fix-issue')).length).toBe(1);
    for (const scheme of ['light', 'dark'] as const) {
      await expectReadableIn(page, scheme, { name: 'issue-triggers', width: 1440 });
      await page.screenshot({ path: join(shots, `issue-triggers-${scheme}.png`), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Runs', exact: true })
      .click();
    const runs = page.getByRole('table', { name: 'Runs' });
    await expect.poll(() => runs.textContent()).toContain('GitHub issue #1');
  });
});
