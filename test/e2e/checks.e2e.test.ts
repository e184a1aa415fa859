import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { Servers } from '../coding-agents/baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, waitFor } from '../coding-agents/baton-kit.ts';
import { CLIS } from '../coding-agents/clis.ts';
import { call } from '../kit/engine-kit.ts';
import { chromiumFound, removeDataDir, shots as SHOTS_ROOT, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';

/** Where this file's screenshots go (looked at by a person, not compared). */
const SHOTS = process.env.BATON_SHOTS ?? join(SHOTS_ROOT, 'checks');

const BUGGY = 'module.exports = (a, b) => a - b;\n';
const WRONG = 'module.exports = (a, b) => Math.abs(a) + Math.abs(b);';
const RIGHT = 'module.exports = (a, b) => a + b;';
const TESTS = `const test = require('node:test');
const assert = require('node:assert');
const sum = require('./sum.js');
test('adds two numbers', () => assert.strictEqual(sum(1, 2), 3));
test('adds negatives', () => assert.strictEqual(sum(-1, -2), -3));
`;

const asks = (task: string) => (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));

/**
 * A workspace's checks, end to end in Chromium: set on the Workspaces screen (a bad timeout
 * named under its field first), then run by Baton after a real coding CLI (Qwen Code against a
 * scripted model) fixed a real `node --test` suite: the task whose fix passes shows "test ✓" on
 * its task panel; the one whose fix still fails a test (no fix round, `on_checks_failed:
 * "review"`) waits in the diff review with the red check and its failing test at the top.
 */
describe.skipIf(skipE2e || !installed)("a workspace's checks", () => {
  let baton: ReturnType<typeof openBaton>;
  let servers: Servers;
  let inbox: InboxPage | undefined;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    mkdirSync(SHOTS, { recursive: true });
    servers = await startServers();
    baton = openBaton();
    const { app, repo } = baton;
    repo.write('sum.js', BUGGY);
    repo.write('sum.test.js', TESTS);
    repo.commitAll('sum, with a bug');
    const overwrite = (line: string) => CLIS.qwen.shellTurn(`printf '%s\\n' '${line}' > sum.js`);
    servers.script('qwen', [
      { name: 'good', match: asks('good'), turns: [overwrite(RIGHT), { text: 'Fixed sum.' }] },
      { name: 'bad', match: asks('bad'), turns: [overwrite(WRONG), { text: 'Fixed sum, I think.' }] },
    ]);
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', { agents: [codingAgent(servers, 'qwen')] });
    inbox = await openInbox(app, baton.dir);
    ({ page } = inbox);
  }, 60_000);
  afterAll(async () => {
    await inbox?.close();
    if (runId) await call(baton.app, 'runs.cancel', { run_id: runId }).catch(() => {});
    await baton?.app.close();
    if (baton) await removeDataDir(baton.dir);
    baton?.repo.cleanup();
    await servers?.close();
  });

  async function shoot(name: string) {
    for (const width of [1440, 1024])
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 1000 });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(SHOTS, `${name}-${width}-${scheme}.png`) });
      }
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.emulateMedia({ colorScheme: 'light' });
  }

  it('are edited on the Workspaces screen, a bad field named under it', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Workspaces' })
      .click();
    const row = page.getByRole('table', { name: 'Workspaces' }).getByRole('row', { name: /^app/ });
    expect(await row.getByRole('note', { name: 'Checks of app' }).textContent()).toContain('no checks');
    await row.getByRole('button', { name: 'Checks of app…' }).click();
    const form = page.getByRole('form', { name: 'Checks of workspace app' });
    const first = form.getByRole('group', { name: 'Check 1' });
    await first.getByLabel('Name').fill('test');
    await first.getByLabel('Command').fill(`${process.execPath} --test --test-reporter=tap`);
    await first.getByLabel('Timeout (s)').fill('soon');
    await form.getByRole('button', { name: 'Save checks' }).click();
    await form.getByText('Timeout must be a whole number of seconds above 0').waitFor();
    await first.getByLabel('Timeout (s)').fill('120');
    await shoot('workspace-checks-form');
    await form.getByRole('button', { name: 'Save checks' }).click();
    await form.waitFor({ state: 'detached' });
    const note = row.getByRole('note', { name: 'Checks of app' });
    await expect.poll(() => note.textContent()).toContain('test');
    expect(await note.getByText('test', { exact: true }).getAttribute('title')).toBe(
      `${process.execPath} --test --test-reporter=tap`,
    );
    const [stored] = await call<{ checks: unknown[] }[]>(baton.app, 'workspaces.list', {});
    expect(stored!.checks).toEqual([
      { name: 'test', command: [process.execPath, '--test', '--test-reporter=tap'], timeout_s: 120 },
    ]);
    await shoot('workspaces-with-checks');
  });

  it('show on the task panel and at the top of the diff review, red ones with their failing tests', async () => {
    const { app } = baton;
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'sums',
        workspace: 'app',
        tasks: [
          { task_id: 'good', description: 'Fix sum.js.', required_skills: ['qwen'] },
          {
            task_id: 'bad',
            description: 'Fix sum.js too.',
            required_skills: ['qwen'],
            fix_rounds: 0,
            on_checks_failed: 'review',
          },
        ],
      },
    });
    runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'sums' })).run_id;
    let review: ApprovalView | undefined;
    let detail: RunDetail | undefined;
    await waitFor(
      () => review !== undefined && detail?.tasks.find((t) => t.task_id === 'good')?.status === 'done',
      150_000,
      async () => {
        detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
        const pending = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
        review = pending.find((a) => a.kind === 'diff_review' && a.task_id === 'bad');
      },
    );

    // The diff review: the red check first, with its failing test.
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: /^Approvals/ })
      .click();
    const card = page.getByRole('region', { name: 'Approval for bad' });
    const marks = card.getByRole('list', { name: 'Checks' });
    await card.waitFor();
    await marks.waitFor();
    expect(await marks.getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^test ✗ failed \(exit 1\): 1 of 2 tests failing$/),
    ]);
    await card.getByText('test: failed (exit 1): 1 of 2 tests failing').click();
    await card
      .getByRole('listitem')
      .filter({ hasText: /^adds negatives$/ })
      .waitFor();
    expect(review!.reason).toContain('checks failing: test');
    await shoot('diff-review-red-checks');

    // The task panel of the task whose checks passed.
    await page.getByRole('list', { name: 'Plans' }).getByRole('link', { name: /^sums/ }).click();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task good/ })
      .click();
    const panel = page.getByRole('region', { name: 'Task good details' });
    const passed = panel.getByRole('list', { name: 'Checks' });
    await passed.waitFor();
    expect(await passed.getByRole('listitem').allTextContents()).toEqual(['test ✓ passed: 2 tests passed']);
    // Its trace has the check as a step.
    await panel.getByRole('tab', { name: 'Steps' }).click();
    await panel
      .getByRole('tabpanel', { name: 'Steps' })
      .getByText('passed: 2 tests passed', { exact: true })
      .scrollIntoViewIfNeeded();
    await shoot('task-panel-checks');
  });
});
