import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { Servers } from '../coding-agents/baton-kit.ts';
import {
  codingAgent,
  gitWorktrees,
  installed,
  openBaton,
  startServers,
  waitFor,
} from '../coding-agents/baton-kit.ts';
import { scriptConflict, startConflictRun } from '../coding-agents/worker-kit.ts';
import { call } from '../kit/engine-kit.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';
import { expectReadableIn } from './readability.ts';

const cli = 'codex';

/**
 * A merge conflict in the Approvals inbox (`on_conflict: "ask"`), of real coding attempts: Codex
 * (the real CLI, test/coding-agents) against a scripted model server writes greeting.txt one way
 * in task a and another way in task b, so c, which depends on both, cannot start from their
 * branches merged (real git): its card says which branch merges into which, the file and how git
 * left it, and the worktree; a person answers there.
 */
describe.skipIf(skipE2e || !installed)('a merge conflict waiting in the inbox', () => {
  let baton: ReturnType<typeof openBaton>;
  let servers: Servers;
  let inbox: InboxPage | undefined;
  let page: Page;
  let runId: string;
  let asked: ApprovalView;
  let sent: string[];

  const pendingConflicts = async () =>
    (await call<ApprovalView[]>(baton.app, 'approvals.list', { status: 'pending' })).filter(
      (a) => a.kind === 'merge_conflict',
    );

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    servers = await startServers();
    scriptConflict(servers, cli, 'joined\n');
    baton = openBaton();
    const { app, repo } = baton;
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', { agents: [codingAgent(servers, cli)] });
    ({ run: runId, asked } = await startConflictRun<ApprovalView>(app, cli, 150_000));
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

  const card = () => page.getByRole('region', { name: 'Approval for c' });
  const facts = () => card().getByRole('definition');

  it('says which branch merges into which, the file and how git left it, and the worktree to copy', async () => {
    await card().waitFor();
    const c = asked.merge_conflict!;
    expect(c.dir).toContain(runId);
    expect(await card().textContent()).toContain('Merge conflict');
    const merge = card().getByRole('list', { name: 'Conflicting files' });
    expect(await merge.getByRole('listitem').allTextContents()).toEqual([
      'greeting.txt added on both sides', // a new file in both branches
    ]);
    expect(await facts().allTextContents()).toEqual([
      `baton/${runId}/b`,
      `baton/${runId}/c (the task’s branch)`,
      `baton/${runId}/a, then baton/${runId}/b`,
      'c, attempt 1',
    ]);
    expect(await card().getByText(c.dir, { exact: true }).isVisible()).toBe(true);
    expect(await card().textContent()).toContain('Resolve the conflicts and commit in the worktree');
    // The generic sentence is not repeated under the facts.
    expect(await card().textContent()).not.toContain("A coding task's dependencies' branches conflict");

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await card().getByRole('button', { name: 'Copy the worktree path' }).click();
    await card().getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(c.dir);
  });

  it('is readable in both themes, wide and narrow', async () => {
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ['dark', 'light'] as const) {
        await expectReadableIn(page, scheme, { width });
        // Nothing of the card runs off its right edge.
        const box = (await card().boundingBox())!;
        const overflow = await card().evaluate((el) => el.scrollWidth - el.clientWidth);
        expect({ width, overflow, inView: box.x + box.width <= width }).toEqual({
          width,
          overflow: 0,
          inView: true,
        });
        await page.screenshot({ path: join(shots, `merge-conflict-${width}-${scheme}.png`) });
      }
    }
    await page.setViewportSize({ width: 1440, height: 1000 });
  });

  it('asks before failing, and keeps it waiting on no', async () => {
    await card().getByRole('button', { name: 'Fail', exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Fail the attempt of c?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('The attempt of c fails with the conflict');
    expect(await dialog.textContent()).toContain('rejected by Ana');
    await dialog.getByRole('button', { name: 'Keep it waiting' }).click();
    expect(sent.some((f) => f.includes('approvals.decide'))).toBe(false);
    expect((await pendingConflicts()).map((a) => a.id)).toEqual([asked.id]);
  });

  it('"Go on" with the conflict left asks again, saying so; resolved, the agent works on the merge', async () => {
    await card().getByRole('button', { name: 'Go on' }).click();
    let again: ApprovalView | undefined;
    await waitFor(
      () => again !== undefined,
      60_000,
      async () => {
        again = (await pendingConflicts()).find((a) => a.id !== asked.id);
      },
    );
    // Playwright hears of a sent frame on the browser's own time: wait for it.
    await expect.poll(() => sent.some((f) => f.includes('approvals.decide'))).toBe(true);
    expect(JSON.parse(sent.find((f) => f.includes('approvals.decide'))!).input).toEqual({
      approval_id: asked.id,
      decision: 'approve',
      actor: 'Ana',
    });
    await card()
      .getByRole('note')
      .filter({ hasText: 'Asked again: Ana answered that it was resolved, but conflicts remain.' })
      .waitFor();
    await page.screenshot({ path: join(shots, 'merge-conflict-again.png') });

    writeFileSync(join(again!.merge_conflict!.dir, 'greeting.txt'), 'hello from a and b\n');
    await card().getByRole('button', { name: 'Go on' }).click();
    await expect.poll(() => card().count()).toBe(0);
    await baton.app.engine.whenSettled(runId);
    await baton.app.coding.worktreesSettled();
    const detail = await call<RunDetail>(baton.app, 'runs.get', { run_id: runId });
    const c = detail.tasks.find((t) => t.task_id === 'c')!;
    expect(c.status, c.error ?? '').toBe('done');
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();
    expect(git(['show', `baton/${runId}/c:greeting.txt`])).toBe('hello from a and b');
    expect(git(['show', `baton/${runId}/c:joined.txt`])).toBe('joined');
    expect(gitWorktrees(baton.repo.repo)).toEqual([]);
  });
});
