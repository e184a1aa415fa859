import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { Servers } from '../coding-agents/baton-kit.ts';
import {
  codingAgent,
  installed,
  openBaton,
  startServers,
  waitFor,
  writeTurn,
} from '../coding-agents/baton-kit.ts';
import { CLIS } from '../coding-agents/clis.ts';
import { call } from '../kit/engine-kit.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';
import { expectReadableAtWidths, expectReadableIn } from './readability.ts';

const APP_BEFORE =
  "import { greet } from './greet';\n\nconst port = 3000;\nexport function start() {\n  console.log(greet('world'), port);\n}\n";
const APP_AFTER =
  "import { greet } from './greet';\nimport { log } from './log';\n\nconst port = Number(process.env.PORT ?? 8080);\nexport function start() {\n  log(greet('world'), port);\n}\n";
const LOG =
  'export function log(...parts: unknown[]): void {\n  console.log(new Date().toISOString(), ...parts);\n}\n';
const COMMENT = 'Close: two things to change.';
const NOTES = '# A sample workspace\n\nMy notes, not committed yet.\n';
const NOTICE = 'your checkout has uncommitted changes the agent will not see: 1 file (README.md)';
const LINE_COMMENT = 'Keep 3000 as the default, as the README says';
const SECOND = 'Say what the logger does.';

/**
 * The diff review in the Approvals inbox, of a real coding attempt: Qwen Code (the real CLI,
 * test/coding-agents) against a scripted model server edits one file and adds one in a task
 * with `review: "diff"`, and the engine's diff_review gate puts its diff in the inbox. The
 * host runs in this process on the app's data directory.
 */
describe.skipIf(skipE2e || !installed)('reviewing a coding attempt’s diff', () => {
  let baton: ReturnType<typeof openBaton>;
  let servers: Servers;
  let inbox: InboxPage | undefined;
  let page: Page;
  let runId: string;
  let review: ApprovalView;
  let sent: string[];

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    servers = await startServers();
    baton = openBaton();
    const { app, repo } = baton;
    mkdirSync(join(repo.repo, 'src'), { recursive: true });
    writeFileSync(join(repo.repo, 'src/app.ts'), APP_BEFORE);
    repo.commitAll('an app to change');
    // The person's own work in progress, not committed: the agent's worktree will not have it.
    writeFileSync(join(repo.repo, 'README.md'), NOTES);
    servers.script('qwen', [
      {
        name: 'backend',
        turns: [
          // An existing file is changed through the shell (qwen's write_file wants it read first).
          CLIS.qwen.shellTurn(`cat > src/app.ts <<'EOF'\n${APP_AFTER}EOF`),
          writeTurn('qwen', 'src/log.ts', LOG),
          { text: 'Port from the environment, a logger' },
          // After the request for changes, the resumed session: 3000 back as the default.
          CLIS.qwen.shellTurn(`cat > src/app.ts <<'EOF'\n${APP_AFTER.replace('?? 8080', '?? 3000')}EOF`),
          { text: 'Kept 3000 as the default.' },
          // After the second request for changes: a comment in the log module.
          CLIS.qwen.shellTurn(`cat > src/log.ts <<'EOF'\n// Timestamped.\n${LOG}EOF`),
          { text: 'Said what the logger does.' },
        ],
      },
    ]);
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', { agents: [codingAgent(servers, 'qwen')] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'webapp',
        workspace: 'app',
        tasks: [
          {
            task_id: 'backend',
            description: 'Serve on $PORT with a logger',
            required_skills: ['qwen'],
            review: 'diff',
          },
        ],
      },
    });
    runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'webapp' })).run_id;
    await waitFor(
      () => review !== undefined,
      150_000,
      async () => {
        const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
        review = list.find((a) => a.kind === 'diff_review')!;
      },
    );
    inbox = await openInbox(app, baton.dir);
    ({ page, sent } = inbox);
  }, 180_000);
  afterAll(async () => {
    await inbox?.close();
    await baton?.app.close();
    if (baton) await removeDataDir(baton.dir);
    baton?.repo.cleanup();
    await servers?.close();
  });

  const card = () => page.getByRole('region', { name: 'Approval for backend' });

  it('says the branch, commit and attempt of the diff and the CLI’s summary', async () => {
    await card().waitFor();
    expect(await card().textContent()).toContain('Diff review');
    const view = review.diff!;
    expect(view.branch).toBe(`baton/${runId}/backend`);
    await card()
      .getByText(/^Branch /)
      .waitFor();
    expect(
      await card()
        .getByText(/^Branch /)
        .textContent(),
    ).toBe(`Branch ${view.branch} at ${view.commit.slice(0, 10)}, attempt 1 · 2 files changed, +6 −2`);
    expect(await card().locator('.diff-summary').textContent()).toContain(
      'Port from the environment, a logger',
    );
  });

  it('says on the task panel and in the attempt log that the checkout had changes the agent did not see, as it was then', async () => {
    // The person puts their checkout back meanwhile: the notice says how it was when the worktree was made.
    baton.repo.git(['checkout', '--', 'README.md']);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^webapp/ })
      .click();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task backend/ })
      .click();
    const panel = page.getByRole('region', { name: 'Task backend details' });
    const notices = panel.getByRole('list', { name: 'Notices' });
    await notices.waitFor();
    expect(await notices.getByRole('listitem').allTextContents()).toEqual([
      `Attempt 1: Y${NOTICE.slice(1)} in ${baton.repo.repo}. Its worktree holds committed work only; commit them for an agent to see them.`,
    ]);
    await expectReadableAtWidths(page, 'task-notice', shots);
    await panel.getByRole('tab', { name: 'Log' }).click();
    expect(await panel.getByTitle('Task log').textContent()).toContain(`Notice: ${NOTICE}`);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: /^Approvals/ })
      .click();
  });

  it('lists the changed files with their +/- and shows the first, highlighted', async () => {
    const files = card().getByRole('list', { name: 'Changed files' });
    await files.waitFor();
    const names = await files.getByRole('button').allTextContents();
    expect(names).toEqual(['Msrc/app.ts+3 −2', 'Asrc/log.ts+3 −0']);
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
    // Each side's line has its button; an unchanged line, shown on both sides, has one.
    for (const name of ['line 4', 'removed line 3', 'line 1'])
      await expect
        .poll(() => app.getByRole('button', { name: `Comment on ${name} of src/app.ts` }).count())
        .toBe(1);
    await page.screenshot({ path: join(shots, 'diff-review-split.png') });
    await card().getByRole('button', { name: 'Unified' }).click();
    await expect.poll(() => rowWith('const port = 3000').textContent()).not.toContain('process.env.PORT');
  });

  it('is readable in the light and the dark theme, the highlighted diff following the theme', async () => {
    const wrapper = card().locator('.diff-tailwindcss-wrapper');
    for (const scheme of ['dark', 'light'] as const) {
      await expectReadableIn(page, scheme, {}, () =>
        expect.poll(() => wrapper.getAttribute('data-theme')).toBe(scheme),
      );
      await page.screenshot({ path: join(shots, `diff-review-${scheme}.png`) });
    }
  });

  it('takes line comments and sends them with a request for changes, which needs a review comment', async () => {
    const app = card().getByRole('region', { name: 'Diff of src/app.ts' });
    // Every line the reviewer may comment on has a named button, reached from the keyboard and
    // shown as it has the focus (no hover needed).
    const plus = app.getByRole('button', { name: 'Comment on line 4 of src/app.ts' });
    expect(await app.getByRole('button', { name: 'Comment on removed line 3 of src/app.ts' }).count()).toBe(
      1,
    );
    // Tab from the file's toolbar lands on its first line's button.
    await card().getByRole('button', { name: 'Split' }).focus();
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Comment on line 1 of src/app.ts');
    await plus.focus();
    await expect.poll(() => plus.evaluate((b) => getComputedStyle(b).opacity)).toBe('1');
    await app.screenshot({ path: join(shots, 'diff-review-line-button.png') });
    await page.keyboard.press('Enter');
    const box = card().getByLabel(/^Comment on src\/app\.ts:4/);
    await expect.poll(() => box.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.type(LINE_COMMENT);
    await card().getByRole('button', { name: 'Add comment' }).click();
    await app.getByText('Keep 3000 as the default').waitFor();
    // The focus goes back to the line's button once the form closed.
    await expect.poll(() => plus.evaluate((b) => b === document.activeElement)).toBe(true);
    expect(await card().textContent()).toContain('1 line comment will go with a request for changes.');
    await page.screenshot({ path: join(shots, 'diff-review.png') });

    await card().getByRole('button', { name: 'Request changes' }).click();
    expect(
      await card()
        .getByText('Say in a review comment what to change; the line comments go with it')
        .isVisible(),
    ).toBe(true);
    await card().getByLabel('Review comment on backend').fill(COMMENT);
    await card().getByRole('button', { name: 'Request changes' }).click();
    await expect
      .poll(() => sent.find((f) => f.includes('approvals.decide')) ?? '')
      .toContain('request_changes');
    const call = JSON.parse(sent.find((f) => f.includes('approvals.decide'))!) as {
      input: Record<string, unknown>;
    };
    expect(call.input).toEqual({
      approval_id: review.id,
      decision: 'request_changes',
      actor: 'Ana',
      comment: COMMENT,
      line_comments: [{ path: 'src/app.ts', line: 4, side: 'new', body: LINE_COMMENT }],
    });
    // The host takes it: the review leaves the inbox, is recorded as changes asked for, and the
    // same session of the CLI goes on with the comments (the resumed request carries them).
    const first = page.getByText(
      `Branch ${review.diff!.branch} at ${review.diff!.commit.slice(0, 10)}, attempt 1`,
    );
    await expect.poll(() => first.count()).toBe(0);
    const decided = baton.app.store.approvals.get(review.id)!;
    expect({ status: decided.status, actor: decided.actor, comment: decided.comment }).toEqual({
      status: 'changes_requested',
      actor: 'Ana',
      comment: COMMENT,
    });
    await waitFor(
      () =>
        servers.calls('qwen', 'backend').some((c) => c.request!.texts.some((t) => t.includes(LINE_COMMENT))),
      60_000,
    );
  });

  it('shows, after the request for changes, what changed since that review, with the review beside it', async () => {
    const head = card().getByText(/^Branch /);
    await expect.poll(() => head.textContent(), { timeout: 150_000 }).toMatch(/, attempt 2 · /);
    const files = card().getByRole('list', { name: 'Changed files' });
    // The whole change first: both files since the branch started.
    await expect
      .poll(() => files.getByRole('button').allTextContents())
      .toEqual(['Msrc/app.ts+3 −2', 'Asrc/log.ts+3 −0']);
    const earlier = card().getByRole('region', { name: 'Earlier reviews' });
    expect(await earlier.textContent()).toContain('Ana asked for changes on attempt 1');
    expect(await earlier.textContent()).toContain(COMMENT);
    expect(
      await earlier.getByRole('list', { name: 'Line comments of the review of attempt 1' }).textContent(),
    ).toBe(`src/app.ts:4 ${LINE_COMMENT}`);
    const since = card().getByRole('button', { name: 'Changes since your last review' });
    expect(await since.getAttribute('aria-pressed')).toBe('false');
    await since.click();
    expect(await since.getAttribute('aria-pressed')).toBe('true');
    // Only what attempt 2 changed on top of what was reviewed: 8080 back to 3000.
    await expect.poll(() => files.getByRole('button').allTextContents()).toEqual(['Msrc/app.ts+1 −1']);
    const app = card().getByRole('region', { name: 'Diff of src/app.ts' });
    await app.getByText('PORT ?? 3000', { exact: false }).first().waitFor();
    expect(await app.locator('tr', { hasText: 'PORT ?? 8080' }).count()).toBeGreaterThan(0);
    const wrapper = card().locator('.diff-tailwindcss-wrapper');
    await expectReadableAtWidths(page, 'diff-review-since', shots, (scheme) =>
      expect.poll(() => wrapper.getAttribute('data-theme')).toBe(scheme),
    );
    await since.click();
    await expect.poll(() => files.getByRole('button').count()).toBe(2);
  });
  it('marks files viewed from the keyboard: folded, counted, and kept when the page is opened again', async () => {
    const files = card().getByRole('list', { name: 'Changed files' });
    const count = card().getByRole('status', { name: 'Files viewed' });
    expect(await count.textContent()).toBe('0 of 2 files viewed');
    await files.getByRole('button', { name: /src\/log\.ts/ }).click();
    const viewed = card().getByRole('checkbox', { name: 'Viewed src/log.ts' });
    await viewed.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => viewed.isChecked()).toBe(true);
    // Folded: the diff gives way to one line, opened again on demand.
    await expect.poll(() => card().getByRole('region', { name: 'Diff of src/log.ts' }).count()).toBe(0);
    expect(await count.textContent()).toBe('1 of 2 files viewed');
    expect(await files.getByRole('button', { name: /src\/log\.ts/ }).textContent()).toContain('viewed');
    await card().getByRole('button', { name: 'Show its diff' }).click();
    await card().getByRole('region', { name: 'Diff of src/log.ts' }).waitFor();
    await files.getByRole('button', { name: /src\/app\.ts/ }).click();
    await card().getByRole('checkbox', { name: 'Viewed src/app.ts' }).check();
    await expect.poll(() => count.textContent()).toBe('2 of 2 files viewed');
    await expectReadableAtWidths(page, 'diff-review-viewed', shots);
    await page.reload();
    await expect.poll(() => count.textContent()).toBe('2 of 2 files viewed');
    await card().getByText('You marked src/app.ts viewed: its diff is folded.').waitFor();
  });

  it('shows the third review the whole conversation before it: both requests for changes, who, when and what', async () => {
    await card().getByLabel('Review comment on backend').fill(SECOND);
    await card().getByRole('button', { name: 'Request changes' }).click();
    const head = card().getByText(/^Branch /);
    await expect.poll(() => head.textContent(), { timeout: 150_000 }).toMatch(/, attempt 3 · /);
    const earlier = card().getByRole('region', { name: 'Earlier reviews' });
    const reviews = earlier.getByRole('listitem', { name: /^Review of attempt/ });
    await expect.poll(() => reviews.count()).toBe(2);
    const [first, second] = await reviews.allTextContents();
    expect(first).toMatch(/^Ana asked for changes on attempt 1 \([0-9a-f]{10}\) (just now|.* ago)/);
    expect(first).toContain(COMMENT);
    expect(first).toContain(`src/app.ts:4 ${LINE_COMMENT}`);
    expect(second).toMatch(/^Ana asked for changes on attempt 2 \([0-9a-f]{10}\) /);
    expect(second).toContain(SECOND);
    // Attempt 3 changed src/log.ts: no longer viewed, and said so; src/app.ts still is.
    const files = card().getByRole('list', { name: 'Changed files' });
    await expect
      .poll(() => card().getByRole('status', { name: 'Files viewed' }).textContent())
      .toBe('1 of 2 files viewed');
    expect(await files.getByRole('button').allTextContents()).toEqual([
      'Msrc/app.ts+3 −2viewed',
      'Asrc/log.ts+4 −0changed since viewed',
    ]);
    await files.getByRole('button', { name: /src\/log\.ts/ }).click();
    await card().getByRole('region', { name: 'Diff of src/log.ts' }).waitFor();
    expect(await card().getByRole('checkbox', { name: 'Viewed src/log.ts' }).isChecked()).toBe(false);
    expect(await card().getByText('Changed since viewed', { exact: true }).isVisible()).toBe(true);
    // A line comment of an earlier review picks its file.
    await earlier.getByRole('button', { name: 'src/app.ts:4' }).click();
    await card().getByText('You marked src/app.ts viewed: its diff is folded.').waitFor();
    await expectReadableAtWidths(page, 'diff-review-conversation', shots);
  });
});
