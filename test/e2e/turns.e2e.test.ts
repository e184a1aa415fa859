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
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { eventually } from '../kit/engine-kit.ts';
import { serveApp } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * A coding task's turns as a person meets them in the task panel: the Turns tab lists the
 * checkpoints Baton kept after each turn of the agent, a turn shows its diff, and Revert to this
 * turn (after a yes) puts the worktree back. The real coding executor runs a fake qwen (its
 * stream-json, three turns that each write a file, each waiting until Baton kept the turn before
 * it goes on, as a model call would take its time; after the first, until the test lets it go on)
 * in a real repository; the task then waits for its diff review.
 */
function writeTurningQwen(dir: string): string {
  const path = join(dir, 'qwen');
  const turn = (n: number, file: string, text: string) => `
cat > ${file} <<'TEXT'
${text}
TEXT
echo '{"type":"assistant","message":{"id":"m${n}","model":"m","content":[{"type":"tool_use","id":"t${n}","name":"write_file","input":{"file_path":"${file}"}}],"usage":{"input_tokens":10,"output_tokens":5}}}'
echo '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t${n}","content":"written"}]}}'
# The next turn starts once Baton kept this one (a model call takes its time).
until [ "$(git for-each-ref refs/baton/checkpoints/ | wc -l)" -gt ${n} ]; do sleep 0.05; done${
    n === 1
      ? '\n# After its first turn it waits for the test to let it go on (a long model call): a ref it can read in its sandbox.\nuntil git rev-parse -q --verify refs/test/go >/dev/null; do sleep 0.05; done'
      : ''
  }`;
  writeFileSync(
    path,
    `#!/bin/sh
echo '{"type":"system","subtype":"init","session_id":"sess-turns","model":"m"}'
${turn(1, 'api.ts', 'export const api = 1;')}
${turn(2, 'pages.ts', 'export const pages = [1, 2];\nexport const title = "Turns";')}
${turn(3, 'README.md', '# webapp\n\nNow with pages.')}
echo '{"type":"result","subtype":"success","session_id":"sess-turns","is_error":false,"result":"Wrote three turns.","usage":{"input_tokens":30,"output_tokens":15}}'
`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe.skipIf(skipE2e)('a coding task’s turns', () => {
  let dir: string;
  let repo: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let rpc: Rpc;
  let runId: string;
  let worktree: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'baton-turns-e2e-')));
    repo = join(dir, 'projects', 'webapp');
    mkdirSync(repo, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'README.md'), '# webapp\n');
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
    writeTurningQwen(dir);
    ({ app, host, rpc } = await serveApp(join(dir, 'data')));
    await rpc('workspaces.add', { id: 'webapp', path: repo });
    await rpc('agents.import', {
      agents: [
        { id: 'coder', kind: 'coding', cli: 'qwen', skills: ['coder'], executable: join(dir, 'qwen') },
      ],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'webapp',
        workspace: 'webapp',
        tasks: [
          { task_id: 'pages', description: 'Build the pages', required_skills: ['coder'], review: 'diff' },
        ],
      },
    });
    runId = ((await rpc('runs.start', { plan_id: 'webapp' })).value as { run_id: string }).run_id;
    // Its first turn is kept; it waits for the test.
    await eventually(
      () => git(repo, 'for-each-ref', 'refs/baton/checkpoints/').split('\n').length >= 2,
      60_000,
    );
    worktree = app.coding.store.sessions.get(runId, 'pages')!.dir;

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
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

  const panel = () => page.getByRole('region', { name: 'Task pages details' });

  it('while the agent runs: its turns so far, as they are kept, and no revert', async () => {
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task pages/ })
      .click();
    await panel().waitFor();
    await panel().getByRole('tab', { name: 'Turns' }).click();
    const turns = panel().getByRole('region', { name: 'Turns of attempt 1' });
    await turns.waitFor();
    await expect.poll(() => turns.getByRole('listitem').count()).toBe(2);
    // Its agent (qwen's stream) has no turn Baton can stop: no Pause to revert sooner.
    expect(await panel().textContent()).toContain('A revert waits until the attempt has ended');
    expect(await turns.getByRole('button', { name: /^Revert to/ }).count()).toBe(0);
    await page.screenshot({ path: join(shots, 'turns-running-1440.png') });
    // Let it go on: the list follows its turns, and once its diff waits for a review, a revert is offered.
    git(repo, 'update-ref', 'refs/test/go', 'HEAD');
    await expect.poll(() => turns.getByRole('listitem').count(), { timeout: 60_000 }).toBe(4);
    await eventually(() => app.store.runs.task(runId, 'pages')?.status === 'awaiting_approval', 60_000);
    await expect.poll(() => turns.getByRole('button', { name: /^Revert to/ }).count()).toBe(4);
  });

  it('lists the turns and shows a turn’s diff', async () => {
    const turns = panel().getByRole('region', { name: 'Turns of attempt 1' });
    const rows = turns.getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.nth(0).textContent()).toContain('as the attempt found it');
    expect(await rows.nth(2).textContent()).toContain('1 file changed');
    // The last turn's diff is shown first; turn 2's on a click.
    await turns.getByRole('button', { name: 'Turn 2 of attempt 1: show its diff' }).click();
    const diff = panel().getByRole('region', { name: 'Diff of turn 2' });
    await diff.waitFor();
    expect(await diff.textContent()).toContain('Turn 2 of attempt 1: 1 file, +2 −0 against the turn before');
    expect(await diff.textContent()).toContain('pages.ts');
    expect(await diff.textContent()).toContain('export const title = "Turns";');
    // The highlighted diff follows the theme before the page is read.
    const wrapper = diff.locator('.diff-tailwindcss-wrapper');
    await turns.getByRole('listitem').nth(1).scrollIntoViewIfNeeded();
    await turns.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    for (const scheme of ['dark', 'light'] as const) {
      await expectReadableIn(page, scheme, { screen: 'turns' }, () =>
        expect.poll(() => wrapper.getAttribute('data-theme')).toBe(scheme),
      );
      await page.screenshot({ path: join(shots, `turns-${scheme}-1440.png`) });
    }
  });

  it('reverts to a turn after a yes: the files made later are gone, the one changed is back', async () => {
    const turns = panel().getByRole('region', { name: 'Turns of attempt 1' });
    await turns.getByRole('button', { name: 'Revert to turn 1 of attempt 1' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Revert pages to turn 1 of attempt 1?' });
    await ask.waitFor();
    await page.screenshot({ path: join(shots, 'turns-revert-ask-1440.png') });
    await ask.getByRole('button', { name: 'Revert' }).click();
    const done = panel().getByRole('status').filter({ hasText: 'Reverted the worktree' });
    await done.waitFor();
    expect(await done.textContent()).toContain('Reverted the worktree to turn 1 of attempt 1');
    expect(await done.textContent()).toContain('Its diff review still shows the work before the revert');
    await page.screenshot({ path: join(shots, 'turns-reverted-1440.png') });
    expect(existsSync(join(worktree, 'pages.ts'))).toBe(false);
    expect(readFileSync(join(worktree, 'api.ts'), 'utf8')).toBe('export const api = 1;\n');
    expect(readFileSync(join(worktree, 'README.md'), 'utf8')).toBe('# webapp\n');
    // Its step in the trace, with the person's name.
    await panel().getByRole('tab', { name: 'Steps' }).click();
    await expect.poll(() => panel().getByText('Reverted the worktree to turn 1').count()).toBeGreaterThan(0);
  });
});
