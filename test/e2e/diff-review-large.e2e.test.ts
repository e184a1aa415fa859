import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { Servers } from '../coding-agents/baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, waitFor } from '../coding-agents/baton-kit.ts';
import { CLIS } from '../coding-agents/clis.ts';
import { call } from '../kit/engine-kit.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';
import { expectReadableAtWidths } from './readability.ts';

const FILES = 10_000;

/**
 * The diff review of a big change: Qwen Code (the real CLI, test/coding-agents) against a
 * scripted model server writes 10,000 files with one shell command; the task's diff (1.5 MB,
 * read up to 1 MB) waits in the inbox. The file list draws the rows in view, not 10,000, and a
 * filter box finds a file by its path, from the keyboard.
 */
describe.skipIf(skipE2e || !installed)('reviewing a diff of 10,000 files', () => {
  let baton: ReturnType<typeof openBaton>;
  let servers: Servers;
  let inbox: InboxPage | undefined;
  let page: Page;
  let review: ApprovalView;

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    servers = await startServers();
    baton = openBaton();
    const { app, repo } = baton;
    servers.script('qwen', [
      {
        name: 'many',
        turns: [
          CLIS.qwen.shellTurn(
            `mkdir -p gen && for i in $(seq -w 1 ${FILES}); do echo "file $i" > gen/f$i.txt; done`,
          ),
          { text: `Wrote ${FILES} files` },
        ],
      },
    ]);
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', { agents: [codingAgent(servers, 'qwen')] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'generated',
        workspace: 'app',
        tasks: [
          { task_id: 'many', description: 'Write the files', required_skills: ['qwen'], review: 'diff' },
        ],
      },
    });
    await call(app, 'runs.start', { plan_id: 'generated' });
    await waitFor(
      () => review !== undefined,
      200_000,
      async () => {
        const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
        review = list.find((a) => a.kind === 'diff_review')!;
      },
    );
    inbox = await openInbox(app, baton.dir);
    ({ page } = inbox);
  }, 240_000);
  afterAll(async () => {
    await inbox?.close();
    await baton?.app.close();
    if (baton) await removeDataDir(baton.dir);
    baton?.repo.cleanup();
    await servers?.close();
  });

  const card = () => page.getByRole('region', { name: 'Approval for many' });
  const files = () => card().getByRole('list', { name: 'Changed files' });
  const filter = () => card().getByRole('searchbox', { name: 'Filter files' });

  it('lists every changed file, drawing only the rows in view', async () => {
    expect(review.diff?.files).toHaveLength(FILES);
    await files().getByRole('listitem').first().waitFor();
    const drawn = await files().getByRole('listitem').count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(100);
    expect(await card().locator('*').count()).toBeLessThan(3_000);
    expect(await files().getByRole('listitem').first().getAttribute('aria-setsize')).toBe(String(FILES));
    expect(
      await card()
        .getByText(/^Branch /)
        .textContent(),
    ).toContain('10,000 files changed, +10,000 −0');
    await page.screenshot({ path: join(shots, 'diff-review-large.png') });
    await card()
      .locator('.diff-files')
      .screenshot({ path: join(shots, 'diff-review-large-files.png') });
  });

  it('finds a file by its path from the filter box, and goes to it from the keyboard', async () => {
    // Reached from the keyboard: the filter is just before the list.
    await files().getByRole('button').first().focus();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
    await page.keyboard.type('f00042');
    await expect.poll(() => files().getByRole('button').allTextContents()).toEqual(['Agen/f00042.txt+1 −0']);
    expect(
      await card()
        .getByRole('status')
        .filter({ hasText: /^[0-9,]+ of 10,000 files$/ })
        .textContent(),
    ).toBe('1 of 10,000 files');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Agen/f00042.txt+1 −0');
    await page.keyboard.press('Enter');
    const diff = card().getByRole('region', { name: 'Diff of gen/f00042.txt' });
    await diff.getByText('file 00042').first().waitFor();

    // A file past the first 1 MB of the diff: listed, and said why its diff is not shown.
    await filter().fill('f09999');
    await filter().press('Enter');
    expect(await card().getByRole('note').filter({ hasText: 'past the first 1 MB' }).textContent()).toBe(
      'gen/f09999.txt: its diff is past the first 1 MB read here. The task panel downloads the whole diff.',
    );
    await filter().fill('no such path');
    await expect.poll(() => files().getByRole('listitem').count()).toBe(0);
    expect(await card().getByText("No changed file's path has that.").isVisible()).toBe(true);
  });

  it('goes to the last of 10,000 files with End, drawing it when it comes into view', async () => {
    await filter().fill('');
    await expect.poll(() => files().getByRole('listitem').count()).toBeGreaterThan(5);
    await files().getByRole('button').first().focus();
    await page.keyboard.press('End');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe(`Agen/f${FILES}.txt+1 −0`);
    expect(await files().getByRole('listitem').count()).toBeLessThan(100);
    await page.keyboard.press('Home');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Agen/f00001.txt+1 −0');
  });

  it('is readable at 1440 and 1024 wide, in the light and the dark theme', async () => {
    // A file whose diff is shown (the last one picked was past the first 1 MB).
    await files().getByRole('button').first().click();
    const wrapper = card().locator('.diff-tailwindcss-wrapper');
    await expectReadableAtWidths(page, 'diff-review-large', shots, (scheme) =>
      expect.poll(() => wrapper.getAttribute('data-theme')).toBe(scheme),
    );
  });
});
