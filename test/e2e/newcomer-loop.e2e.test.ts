import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import type { Landing } from '../../src-shared/schemas/landing.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import type { Servers } from '../coding-agents/baton-kit.ts';
import { installed, startServers, worktreeOf } from '../coding-agents/baton-kit.ts';
import { CLIS } from '../coding-agents/clis.ts';
import { call } from '../kit/engine-kit.ts';
import { type GitHubServer, startGitHubServer } from '../kit/forge/github.ts';
import { type GitRemote, startGitRemote } from '../kit/git-remote.ts';
import type { ModelRequest } from '../kit/model-servers/scripted-server.ts';
import { serveHost } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import { chromiumFound, removeDataDir, shots as SHOTS_ROOT, skipE2e } from './harness.ts';

/** Where this file's screenshots go, to be looked at. */
const SHOTS = process.env.BATON_SHOTS ?? join(SHOTS_ROOT, 'loop');
const TOKEN = 'ghp_newcomer';
const BUGGY = 'module.exports = (a, b) => a - b;\n';
const TESTS = `const test = require('node:test');
const assert = require('node:assert');
const sum = require('./sum.js');
test('adds', () => assert.strictEqual(sum(2, 3), 5));
`;
/** The qwen-code the machine has (test/coding-agents), found on PATH as a person's would be. */
const QWEN_BIN = join(import.meta.dirname, '..', 'coding-agents', 'node_modules', '.bin');

/** The requests of candidate `k` (its worktree is `candidate-<k>`). */
const candidate = (k: number) => (req: ModelRequest) =>
  req.tools.length > 0 && worktreeOf(req).endsWith(`/candidate-${k}`);

/**
 * A newcomer's path through the whole coding loop, in Chromium, from an empty data directory and
 * without JSON or a terminal: a repository picked on the Workspaces screen (its origin offered as
 * the remote, GitHub and the token named in place, a check added), the token set under Settings,
 * the coding CLI found on this machine registered, a plan drawn in the designer with a best-of-3
 * coding task that runs the check and waits for a review, the run, the review with the candidates
 * side by side ("Pick #2", and a candidate whose checks failed asking first), then Open pull
 * request from the task's panel (base, title, draft), the pull request on a scripted GitHub seen
 * in review and then merged. Qwen Code is the real CLI against a scripted model server; the git
 * remote is real (git http-backend), GitHub a scripted server answering its documented payloads.
 */
describe.skipIf(skipE2e || !installed)('a newcomer’s coding loop, all from the screens', () => {
  let dir: string;
  let repo: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let servers: Servers;
  let remote: GitRemote;
  let gh: GitHubServer;
  const path = process.env.PATH;

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    mkdirSync(SHOTS, { recursive: true });
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-newcomer-')));
    repo = join(dir, 'src', 'webapp');
    mkdirSync(repo, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'sum.js'), BUGGY);
    writeFileSync(join(repo, 'sum.test.js'), TESTS);
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'sum, with a bug');
    remote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN } });
    git('remote', 'add', 'origin', remote.url);
    gh = await startGitHubServer({
      repo: 'acme/webapp',
      tokens: { [TOKEN]: 'write' },
      branchTip: (b) => remote.tip(b),
    });
    servers = await startServers();
    servers.script('qwen', [
      {
        // The smallest fix: ranked first.
        name: 'c1',
        match: candidate(1),
        turns: [
          CLIS.qwen.shellTurn(`printf '%s\\n' 'module.exports = (a, b) => a + b;' > sum.js`),
          { text: 'Fixed sum.' },
        ],
      },
      {
        // A fix that says what it does: a line more.
        name: 'c2',
        match: candidate(2),
        turns: [
          CLIS.qwen.shellTurn(
            `printf '%s\\n' '// Adds two numbers.' 'module.exports = (a, b) => a + b;' > sum.js`,
          ),
          { text: 'Fixed sum and said what it does.' },
        ],
      },
      {
        // A wrong fix: its check fails.
        name: 'c3',
        match: candidate(3),
        turns: [
          CLIS.qwen.shellTurn(`printf '%s\\n' 'module.exports = (a, b) => a * b;' > sum.js`),
          { text: 'Fixed sum, I think.' },
        ],
      },
    ]);
    // This machine has qwen-code on its PATH (and the Node it needs first), as a person's would:
    // in a folder of its own, since Baton leaves its own install folder's out of the person's PATH.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(join(QWEN_BIN, 'qwen'), join(bin, 'qwen'));
    symlinkSync(process.execPath, join(bin, 'node'));
    process.env.PATH = `${bin}${delimiter}${path ?? '/usr/bin:/bin'}`;
    const dataDir = join(dir, 'data');
    app = createApp({
      dataDir,
      log: () => {},
      landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 },
    });
    host = await serveHost(app, dataDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(host.openUrl);
  }, 60_000);
  afterAll(async () => {
    process.env.PATH = path;
    await browser?.close();
    await host?.close();
    await app?.close();
    await servers?.close();
    await remote?.close();
    await gh?.stop();
    if (dir) await removeDataDir(dir);
  });

  /** What is on screen now at 1440 and 1024, light and dark, as `<name>-<width>-<scheme>.png`. */
  async function shoot(name: string) {
    for (const width of [1440, 1024])
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(SHOTS, `${name}-${width}-${scheme}.png`) });
      }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  }
  const go = (name: string | RegExp) =>
    page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name, exact: typeof name === 'string' })
      .click();

  it('says who they are, and registers the repository: picked in the app, its origin as the remote, a check', async () => {
    await page.getByRole('button', { name: 'Say who you are' }).click();
    const who = page.getByRole('dialog', { name: 'Who are you?' });
    await who.getByLabel('Your name').fill('Ana');
    await who.getByRole('button', { name: 'I am Ana' }).click();

    await go('Workspaces');
    const form = page.getByRole('form', { name: 'Add a workspace' });
    await form.getByLabel('Repository folder').fill(join(dir, 'src'));
    await form.getByRole('button', { name: 'Browse…' }).click();
    const picker = page.getByRole('dialog', { name: 'Choose a repository folder' });
    await picker.getByRole('button', { name: 'Use webapp' }).click();
    await expect.poll(() => form.getByLabel('Id').inputValue()).toBe('webapp');
    await expect.poll(() => form.locator('label.origin-offer').textContent()).toContain(remote.url);
    await form.getByRole('button', { name: 'Add workspace' }).click();
    const row = page.getByRole('table', { name: 'Workspaces' }).getByRole('row', { name: /^webapp/ });
    await row.waitFor();

    // Its remote is its origin; the person names the forge it is on and the token's secret.
    await row.getByRole('button', { name: 'Remote of webapp…' }).click();
    const remoteForm = page.getByRole('form', { name: 'Remote of workspace webapp' });
    expect(await remoteForm.getByLabel('Remote URL').inputValue()).toBe(remote.url);
    await remoteForm.getByLabel('Forge', { exact: true }).selectOption('github');
    await remoteForm.getByLabel('Repository on the forge').fill('acme/webapp');
    await remoteForm.getByLabel('Token secret').fill('github.token');
    await remoteForm.getByLabel('Forge API URL').fill(gh.url);
    await remoteForm.getByRole('button', { name: 'Save remote' }).click();
    await expect
      .poll(() => row.getByRole('note', { name: 'Remote of webapp' }).textContent())
      .toContain('GitHub acme/webapp');

    await row.getByRole('button', { name: 'Checks of webapp…' }).click();
    const checks = page.getByRole('form', { name: 'Checks of workspace webapp' });
    await checks.getByLabel('Name').fill('test');
    await checks.getByLabel('Command').fill('node --test');
    await checks.getByRole('button', { name: 'Save checks' }).click();
    await expect
      .poll(() => row.getByRole('note', { name: 'Checks of webapp' }).textContent())
      .toContain('checks test');
    await shoot('01-workspace');
  });

  it('sets the token under Settings and registers the coding CLI this machine has', async () => {
    await go('Settings');
    await page.getByRole('tab', { name: 'Secrets' }).click();
    const secret = page.getByRole('form', { name: 'Set a secret' });
    await secret.getByLabel('Name').fill('github.token');
    await secret.getByLabel('Value').fill(TOKEN);
    await secret.getByRole('button', { name: 'Set secret' }).click();
    await expect
      .poll(async () => JSON.stringify(await call(app, 'secrets.list', {})))
      .toContain('github.token');

    await go('Agents');
    await page.getByRole('button', { name: 'Register qwen-code' }).click();
    const form = page.getByRole('dialog', { name: 'Add an agent' }).getByRole('form');
    await form.getByLabel('Skills', { exact: false }).first().fill('code');
    await form.getByLabel('Skills', { exact: false }).first().press('Enter');
    await form.getByLabel('Protocol').selectOption('stream');
    const more = form.getByText('More coding settings', { exact: false });
    if (!(await form.getByLabel('Model server URL (optional)').isVisible())) await more.click();
    await form.getByLabel('Model server URL (optional)').fill(`${servers.serverOf('qwen').url}/v1`);
    await form.getByLabel('Model (optional)').fill(CLIS.qwen.model);
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect
      .poll(async () => ((await call<{ id: string }[]>(app, 'agents.list', {})) ?? []).map((a) => a.id))
      .toContain('qwen-coder');
  });

  it('draws a best-of-3 coding task with its check and a review in the designer, no JSON', async () => {
    await page.getByRole('button', { name: 'New plan…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start empty' }).click();
    const planForm = page.getByRole('form', { name: 'Plan' });
    await planForm.getByLabel('Plan id').fill('fix-sum');
    await planForm.getByLabel('Plan id').press('Tab');
    await planForm.getByLabel('Name').fill('Fix sum');
    await planForm.getByLabel('Name').press('Tab');
    await planForm.getByLabel('Workspace', { exact: true }).selectOption('webapp');

    await page.getByRole('article', { name: /^Task task-001/ }).click();
    const task = page.getByRole('form', { name: 'Task task-001' });
    await task.getByLabel('Task id').fill('fix');
    await task.getByLabel('Task id').press('Tab');
    const fix = page.getByRole('form', { name: 'Task fix' });
    await fix.getByLabel('Description').fill('Fix sum.js: sum must add.');
    await fix.getByLabel('Description').press('Tab');
    await fix.getByLabel('Required skills', { exact: false }).fill('code');
    await fix.getByLabel('Required skills', { exact: false }).press('Enter');
    if (!(await fix.getByLabel('Best of').isVisible()))
      await fix.locator('summary', { hasText: 'Coding work' }).click();
    await fix.getByLabel('Review', { exact: true }).selectOption('diff');
    await fix.getByLabel('Fix rounds').fill('0');
    await fix.getByLabel('Best of').fill('3');
    await fix.getByLabel('Best of').press('Tab');
    // Its checks are the workspace's, chosen by name.
    expect(await fix.getByRole('checkbox', { name: /^test/ }).isChecked()).toBe(true);
    // The card says how it runs.
    const card = page.getByRole('article', { name: /^Task fix/ });
    await expect.poll(() => card.textContent()).toContain('best of 3');
    expect(await card.textContent()).toContain('checks: test');
    await shoot('02-designer');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await page.getByRole('heading', { name: 'Fix sum', level: 1 }).waitFor();
  });

  it('runs it; the review shows the three candidates, asks before picking one whose check failed, and takes Pick #2', async () => {
    await page.getByRole('button', { name: 'Run plan' }).click();
    await go(/^Approvals/);
    const card = page.getByRole('region', { name: 'Approval for fix' });
    await card.waitFor({ timeout: 240_000 });
    const table = card.getByRole('table', { name: 'Candidates' });
    const row = (k: number) => table.getByRole('row', { name: `Candidate #${k}` });
    await expect.poll(() => row(1).textContent(), { timeout: 30_000 }).toContain('under review');
    expect(await row(3).textContent()).toContain('checks failed');
    // A column for fix rounds; cost said one way ("unknown" without prices, never "—").
    expect(await table.locator('thead').textContent()).toContain('Fix rounds');
    await shoot('03-review');

    // #3's check failed: picking it asks first, and "keep" keeps #1 under review.
    await row(3).getByRole('button', { name: 'Pick #3' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Pick #3, whose checks failed?' });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Keep the one under review' }).click();
    expect(await row(1).textContent()).toContain('under review');

    await row(2).getByRole('button', { name: 'Pick #2' }).click();
    await expect.poll(() => row(2).textContent()).toContain('under review');
    await card.getByText('Fixed sum and said what it does.').first().waitFor();
    await card.getByRole('button', { name: 'Approve' }).click();
    // What comes next for accepted work: a link to push it or open a pull request.
    await page.getByRole('link', { name: 'Push fix or open a pull request…' }).click();
  });

  it('opens a pull request from the task’s panel, follows it in review and merged on GitHub', async () => {
    const panel = page.getByRole('region', { name: 'Task fix details' });
    await expect.poll(() => panel.textContent(), { timeout: 60_000 }).toContain('candidate #2 of 3');
    const runId = (await call<{ id: string }[]>(app, 'runs.list', { plan_id: 'fix-sum' }))[0]!.id;
    await panel.getByRole('button', { name: 'Open pull request…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open a pull request' });
    expect(await dialog.getByLabel('Base branch').inputValue()).toBe('main');
    expect(await dialog.getByLabel('Title').inputValue()).toBe('Fix sum.js: sum must add. (Fix sum)');
    await dialog.getByLabel('Title').fill('Fix sum');
    await shoot('04-open-pr');
    await dialog.getByRole('button', { name: 'Open pull request' }).click();
    await expect.poll(() => gh.pulls.size, { timeout: 30_000 }).toBe(1);
    const pr = gh.pulls.get(1)!;
    expect(pr).toMatchObject({ title: 'Fix sum', base: 'main', head: `baton/${runId}/fix`, draft: false });
    // The branch pushed holds #2's work, the one the reviewer picked.
    const out = (
      await call<{ tasks: { task_id: string; output: CodingOutput }[] }>(app, 'runs.get', { run_id: runId })
    ).tasks[0]!.output;
    expect(out.best_of?.winner).toBe(2);
    expect(await remote.tip(`baton/${runId}/fix`)).toBe(out.commit);
    const note = panel.getByRole('note', { name: 'Landing of fix' });
    await expect.poll(() => note.textContent()).toContain('In review');
    // Its steps: the checks passing and the approval show at the next look, before any fix round.
    gh.setChecks(out.commit, [{ name: 'test', conclusion: 'success' }]);
    gh.review(1, 'APPROVED', 'Thanks');
    await app.landing.tick();
    const steps = panel.getByRole('list', { name: 'Steps of the landing of fix' });
    await expect
      .poll(() => steps.getByRole('listitem').evaluateAll((l) => l.map((i) => i.getAttribute('aria-label'))))
      .toEqual([
        `Pushed: done, baton/${runId}/fix`,
        'Pull request: done, #1',
        'Checks: done, 1 passed',
        'Review: done, approved by reviewer',
        'Merged: not yet',
      ]);
    await shoot('05-in-review');

    gh.merge(1, 'd'.repeat(40));
    await app.landing.tick();
    await expect
      .poll(() => steps.getByRole('listitem').last().getAttribute('aria-label'))
      .toBe(`Merged: done, ${'d'.repeat(10)}`);
    await expect.poll(() => note.textContent()).toContain('Merged');
    const [landing] = await call<Landing[]>(app, 'runs.landings', { run_id: runId });
    expect(landing).toMatchObject({ state: 'merged', pr_number: 1 });
    // Its changes stay a view of the task, with where the work is.
    await panel.getByRole('tab', { name: /^Changes/ }).click();
    const here = panel.getByRole('group', { name: 'Where the work is' });
    await here.waitFor();
    // Its worktree gone with its run: its branch in the repository, and the command that makes a
    // worktree of it (an editor opens a worktree on disk, from the task's actions: worktrees.open).
    expect(await here.textContent()).toContain(`the work is on branch baton/${runId}/fix`);
    await here.getByRole('button', { name: 'Copy the command that opens a terminal there' }).waitFor();
    expect(await here.getByRole('link', { name: /^Open in/ }).count()).toBe(0);
    await shoot('06-merged');
  });
});
