import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { rendererDir } from '../../src-main/cli/files.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { decideApprovalInputSchema } from '../../src-shared/schemas/approval.ts';
import { CHROMIUM_ARGS } from './browser-path.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, removeDataDir, rpcFor, shots, skipE2e } from './harness.ts';
import { readability } from './readability.ts';

/** A real repository and a real `git diff` of a change: one file edited, one added, one deleted. */
function realDiff(dir: string): string {
  mkdirSync(join(dir, 'src'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  writeFileSync(
    join(dir, 'src/app.ts'),
    "import { greet } from './greet';\n\nconst port = 3000;\nexport function start() {\n  console.log(greet('world'), port);\n}\n",
  );
  writeFileSync(join(dir, 'old.md'), '# Old notes\n');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
  writeFileSync(
    join(dir, 'src/app.ts'),
    "import { greet } from './greet';\nimport { log } from './log';\n\nconst port = Number(process.env.PORT ?? 8080);\nexport function start() {\n  log(greet('world'), port);\n}\n",
  );
  writeFileSync(
    join(dir, 'src/log.ts'),
    'export function log(...parts: unknown[]): void {\n  console.log(new Date().toISOString(), ...parts);\n}\n',
  );
  rmSync(join(dir, 'old.md'));
  git('add', '-A');
  return git('diff', '--cached');
}

/**
 * The diff review in the Approvals inbox. The coding executor and the `diff_review` gate are
 * being built beside this UI, so the host runs in this process and the test makes what they
 * will make: a task whose attempt left a real `git diff` as its `changes.diff` artifact (a
 * command agent writes it), and a pending approval of kind `diff_review` for it, recorded in
 * the real database.
 */
describe.skipIf(skipE2e)('reviewing a coding attempt’s diff', () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let rpc: Rpc;
  const sent: string[] = [];

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = mkdtempSync(join(tmpdir(), 'baton-diff-e2e-'));
    const diff = realDiff(join(dir, 'repo'));
    app = createApp({ dataDir: join(dir, 'data'), log: () => {} });
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir,
      dataDir: join(dir, 'data'),
    });
    rpc = rpcFor(host.openUrl);
    const writer = `require('node:fs').writeFileSync('changes.diff', ${JSON.stringify(diff)}); console.log('::result ' + JSON.stringify({ summary: 'Port from the environment, a logger' }));`;
    await rpc('agents.import', {
      agents: [
        { id: 'coder', kind: 'command', skills: ['code'], command: process.execPath, args: ['-e', writer] },
      ],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'webapp',
        tasks: [
          { task_id: 'backend', description: 'Serve on $PORT with a logger', required_skills: ['code'] },
        ],
      },
    });
    const runId = ((await rpc('runs.start', { plan_id: 'webapp' })).value as { run_id: string }).run_id;
    for (let i = 0; i < 300; i++) {
      const r = (await rpc('runs.get', { run_id: runId })).value as { status: string };
      if (r.status !== 'executing') break;
      await new Promise((done) => setTimeout(done, 100));
    }
    app.store.db
      .prepare(
        `INSERT INTO approvals (id, run_id, task_id, status, kind, reason, cost, requested_at)
         VALUES ('review-1', ?, 'backend', 'pending', 'diff_review', 'review the diff on baton/run/backend', 0, ?)`,
      )
      .run(runId, new Date().toISOString());
    browser = await chromium.launch({ executablePath: chromiumFound.path, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('websocket', (ws) =>
      ws.on('framesent', (f) => typeof f.payload === 'string' && sent.push(f.payload)),
    );
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
    );
    await page.goto(host.openUrl);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: /^Approvals/ })
      .click();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    app?.close();
    await removeDataDir(dir);
  });

  const card = () => page.getByRole('listitem', { name: 'Approval for backend' });

  it('lists the changed files with their +/- and shows the first, highlighted', async () => {
    await card().waitFor();
    expect(await card().textContent()).toContain('Diff review');
    const files = card().getByRole('list', { name: 'Changed files' });
    await files.waitFor();
    const names = await files.getByRole('button').allTextContents();
    expect(names).toEqual(['Dold.md+0 −1', 'Msrc/app.ts+3 −2', 'Asrc/log.ts+3 −0']);
    expect(await card().textContent()).toContain('3 files changed, +6 −3');
    const first = card().getByRole('region', { name: 'Diff of old.md' });
    await first.waitFor();
    await files.getByRole('button', { name: /src\/app\.ts/ }).click();
    const app = card().getByRole('region', { name: 'Diff of src/app.ts' });
    await app.getByText('process.env.PORT', { exact: false }).first().waitFor();
    // Highlighted: the code's words are in the highlighter's spans (a keyword among them).
    expect(await app.locator('[class*="hljs-keyword"]').count()).toBeGreaterThan(0);
  });

  it('shows the file unified and split', async () => {
    const app = card().getByRole('region', { name: 'Diff of src/app.ts' });
    const rowWith = (text: string) => app.locator('tr', { hasText: text });
    // Unified: the old and the new line are rows of their own.
    expect(await rowWith('const port = 3000').count()).toBe(1);
    expect(await rowWith('const port = 3000').textContent()).not.toContain('process.env.PORT');
    await card().getByRole('button', { name: 'Split' }).click();
    // Split: side by side, the old line and the new line in one row.
    await expect.poll(() => rowWith('const port = 3000').textContent()).toContain('process.env.PORT');
    await page.screenshot({ path: join(shots, 'diff-review-split.png') });
    await card().getByRole('button', { name: 'Unified' }).click();
    await expect.poll(() => rowWith('const port = 3000').textContent()).not.toContain('process.env.PORT');
  });

  it('is readable in the light and the dark theme, the highlighted diff following the theme', async () => {
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const wrapper = card().locator('.diff-tailwindcss-wrapper');
      await expect.poll(() => wrapper.getAttribute('data-theme')).toBe(scheme);
      await page.waitForTimeout(150); // colour transitions settle
      const r = await readability(page);
      expect({ scheme, crashed: r.crashed, lowContrast: r.lowContrast }).toEqual({
        scheme,
        crashed: [],
        lowContrast: [],
      });
      await page.screenshot({ path: join(shots, `diff-review-${scheme}.png`) });
    }
  });

  it('takes line comments and sends them with a request for changes, which needs a review comment', async () => {
    const app = card().getByRole('region', { name: 'Diff of src/app.ts' });
    const line = app.locator('tr', { hasText: 'Number(process.env.PORT' });
    await line.hover();
    await line.locator('.diff-add-widget').first().click();
    const box = card().getByLabel(/^Comment on src\/app\.ts:4/);
    await box.fill('Keep 3000 as the default, as the README says');
    await card().getByRole('button', { name: 'Add comment' }).click();
    await app.getByText('Keep 3000 as the default').waitFor();
    expect(await card().textContent()).toContain('1 line comment will go with a request for changes.');
    await page.screenshot({ path: join(shots, 'diff-review.png') });

    await card().getByRole('button', { name: 'Request changes' }).click();
    expect(
      await card()
        .getByText('Say in a review comment what to change; the line comments go with it')
        .isVisible(),
    ).toBe(true);
    await card().getByLabel('Review comment on backend').fill('Close: two things to change.');
    await card().getByRole('button', { name: 'Request changes' }).click();
    await expect
      .poll(() => sent.find((f) => f.includes('approvals.decide')) ?? '')
      .toContain('request_changes');
    const call = JSON.parse(sent.find((f) => f.includes('approvals.decide'))!) as {
      input: Record<string, unknown>;
    };
    expect(call.input).toEqual({
      approval_id: 'review-1',
      decision: 'request_changes',
      actor: 'Ana',
      comment: 'Close: two things to change.',
      line_comments: [
        { path: 'src/app.ts', line: 4, side: 'new', body: 'Keep 3000 as the default, as the README says' },
      ],
    });
    const hostTakesIt = decideApprovalInputSchema.safeParse(call.input).success;
    if (hostTakesIt) {
      // The backend's request_changes has landed: the approval is answered and leaves the inbox.
      await expect.poll(() => card().count()).toBe(0);
    } else {
      // Not on this host yet: it refuses the decision, naming it, and the review stays to answer.
      const toast = page.getByRole('alert').filter({ hasText: 'The request for changes was not recorded' });
      await toast.waitFor();
      expect(await toast.textContent()).toContain('decision');
      expect(await card().count()).toBe(1);
    }
  });
});
