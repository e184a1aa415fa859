import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalView, ReviewInterdiff } from '../../src-shared/schemas/approval.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call, controlledExecutor, eventually, setup } from '../../test/kit/engine-kit.ts';
import type { TempRepo } from '../agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

// A diff review after a request for changes: its view names the earlier review (the commit it
// saw, who asked for what, the line comments), and approvals.diffSinceReview gives what the
// branch changed since that commit, from a real repository. Coding attempts are driven by the
// test; their commits are real ones on the task's branch.
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

const CODER = {
  id: 'coder',
  kind: 'coding' as const,
  cli: 'claude' as const,
  skills: ['code'],
  review: 'diff' as const,
};

function open(dir: string, exec = controlledExecutor()) {
  app = createApp({ dataDir: dir, executors: { coding: exec.executor }, log: () => {} });
  return { app, exec };
}

/** Commits `files` on `branch` (made from main when new) and answers as a coding attempt would. */
function commitOn(
  repo: TempRepo,
  branch: string,
  start: string,
  files: Record<string, string>,
): CodingOutput {
  const dir = join(repo.worktrees, branch.replaceAll('/', '-'));
  const exists = repo.git(['branch', '--list', branch]) !== '';
  repo.git(['worktree', 'add', '-q', ...(exists ? [dir, branch] : ['-b', branch, dir, 'main'])]);
  for (const [path, content] of Object.entries(files)) repo.write(path, content, dir);
  const commit = repo.commitAll(`work on ${branch}`, dir);
  repo.git(['worktree', 'remove', dir]);
  return {
    workspace_id: 'app',
    branch,
    commit,
    start_commit: start,
    files: Object.keys(files).map((path) => ({ path, status: 'added', additions: 1, deletions: 0 })),
    additions: 1,
    deletions: 0,
    summary: 'done',
    session_id: null,
    diff_artifact: null,
  };
}

describe('a diff review after a request for changes', () => {
  it('names the earlier review and gives the diff since the commit it saw; kept across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-review-rounds-'));
    const repo = makeRepo();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), repo.cleanup);
    const { app: first, exec } = open(dir);
    await call(first, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(first, [CODER], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [{ task_id: 't', description: 'code', required_skills: ['code'] }],
    });
    const branch = `baton/${run}/t`;
    const start = repo.git(['rev-parse', 'main']);
    const pending = async (a: BatonApp) => {
      let found: ApprovalView | undefined;
      await eventually(async () => {
        const list = await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' });
        found = list.find((x) => x.kind === 'diff_review');
        return found !== undefined;
      });
      return found!;
    };
    await eventually(() => exec.running.has('t'));
    const one = commitOn(repo, branch, start, { 'a.txt': 'one\ntwo\n' });
    exec.running.get('t')!.finish(one);
    const r1 = await pending(first);
    expect(r1.diff).toMatchObject({ commit: one.commit, attempt: 1 });
    expect(r1.diff!.previous_review).toBeUndefined();
    await expect(call(first, 'approvals.diffSinceReview', { approval_id: r1.id })).rejects.toThrow(
      `the diff review "${r1.id}" of task "t" has no earlier review to compare with`,
    );
    await call(first, 'approvals.decide', {
      approval_id: r1.id,
      decision: 'request_changes',
      actor: 'ana',
      comment: 'say three',
      line_comments: [{ path: 'a.txt', line: 2, body: 'three, not two' }],
    });
    await eventually(() => exec.running.get('t')?.ctx.attempt === 2);
    const two = commitOn(repo, branch, start, { 'a.txt': 'one\nthree\n', 'b.txt': 'more\n' });
    exec.running.get('t')!.finish(two);
    const r2 = await pending(first);
    const since = {
      approval_id: r1.id,
      attempt: 1,
      commit: one.commit,
      actor: 'ana',
      decided_at: expect.any(String),
      comment: 'say three',
      line_comments: [{ path: 'a.txt', line: 2, body: 'three, not two' }],
    };
    expect(r2.diff).toMatchObject({ commit: two.commit, attempt: 2, previous_review: since });
    const d = await call<ReviewInterdiff>(first, 'approvals.diffSinceReview', { approval_id: r2.id });
    expect({ ...d, patch: undefined }).toEqual({
      from: one.commit,
      to: two.commit,
      files: [
        { path: 'a.txt', status: 'modified', additions: 1, deletions: 1 },
        { path: 'b.txt', status: 'added', additions: 1, deletions: 0 },
      ],
      additions: 2,
      deletions: 1,
      patch: undefined,
      truncated: false,
    });
    expect(d.patch).toContain('-two\n+three\n');
    first.close();
    app = undefined;

    const { app: second } = open(dir);
    const again = await pending(second);
    expect(again.diff?.previous_review).toEqual(since);
    expect(await call(second, 'approvals.diffSinceReview', { approval_id: r2.id })).toEqual(d);
  });

  it('gives the third review the whole conversation before it: both requests for changes, oldest first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-review-rounds-'));
    const repo = makeRepo();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), repo.cleanup);
    const { app: a, exec } = open(dir);
    await call(a, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(a, [CODER], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [{ task_id: 't', description: 'code', required_skills: ['code'] }],
    });
    const branch = `baton/${run}/t`;
    const start = repo.git(['rev-parse', 'main']);
    const pending = async () => {
      let found: ApprovalView | undefined;
      await eventually(async () => {
        const list = await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' });
        found = list.find((x) => x.kind === 'diff_review');
        return found !== undefined;
      });
      return found!;
    };
    const rounds = [
      { file: 'one\n', actor: 'ana', comment: 'say two', lines: [{ path: 'a.txt', line: 1, body: 'two' }] },
      { file: 'two\n', actor: 'bo', comment: 'and three', lines: [] },
    ];
    const commits: string[] = [];
    for (const [i, r] of rounds.entries()) {
      await eventually(() => exec.running.get('t')?.ctx.attempt === i + 1);
      const out = commitOn(repo, branch, start, { 'a.txt': r.file });
      commits.push(out.commit);
      exec.running.get('t')!.finish(out);
      const review = await pending();
      expect(review.diff?.earlier_reviews?.length ?? 0).toBe(i);
      await call(a, 'approvals.decide', {
        approval_id: review.id,
        decision: 'request_changes',
        actor: r.actor,
        comment: r.comment,
        line_comments: r.lines,
      });
    }
    await eventually(() => exec.running.get('t')?.ctx.attempt === 3);
    exec.running.get('t')!.finish(commitOn(repo, branch, start, { 'a.txt': 'three\n' }));
    const third = await pending();
    expect(third.diff?.earlier_reviews).toEqual(
      rounds.map((r, i) => ({
        approval_id: expect.any(String),
        decision: 'changes_requested',
        attempt: i + 1,
        commit: commits[i],
        actor: r.actor,
        decided_at: expect.any(String),
        comment: r.comment,
        line_comments: r.lines,
      })),
    );
    // The last of them is still the one "changes since your last review" compares with.
    expect(third.diff?.previous_review).toMatchObject({ attempt: 2, actor: 'bo', commit: commits[1] });
  });

  it('refuses an approval that is not a diff review, or none, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-review-rounds-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const exec = controlledExecutor();
    app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
    await setup(app, [{ id: 'e', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [{ task_id: 'g', description: 'gated', required_skills: ['x'], requires_approval: true }],
    });
    let gate: ApprovalView | undefined;
    await eventually(async () => {
      gate = (await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' }))[0];
      return gate !== undefined;
    });
    await expect(call(app, 'approvals.diffSinceReview', { approval_id: gate!.id })).rejects.toThrow(
      `approval "${gate!.id}" is of kind approval_required, not a diff review`,
    );
    await expect(call(app, 'approvals.diffSinceReview', { approval_id: 'apr-nope' })).rejects.toThrow(
      'approval "apr-nope" not found',
    );
  });
});
