import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MergeReport } from '../../../../src-shared/contract/domains/runs.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { codingWork } from '../workspaces/testing/coding-output.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// runs.mergeBranches on a real repository: the final branches of a run's done coding tasks (those
// no other task built on) go into a target branch, fast-forward or merge, the person's checkout
// untouched; a conflict moves nothing.
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-merge-run-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const exec = controlledExecutor();
  app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
  const repo: TempRepo = makeRepo();
  cleanups.push(repo.cleanup);
  return { app, exec, repo };
}

const work = codingWork;

describe('runs.mergeBranches', () => {
  it('merges into a new branch made from the workspace’s base branch, the checked-out branch refused as a target', async () => {
    const { app, exec, repo } = open();
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(app, [{ id: 'e', skills: ['x'] }], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [task('a')],
    });
    await eventually(() => exec.running.has('a'));
    const a = work(repo, `baton/${run}/a`, 'main', { 'a.txt': 'a\n' });
    exec.running.get('a')!.finish(a);
    await app.engine.whenSettled(run);
    const main = repo.git(['rev-parse', 'main']);
    // main is the user's checkout: refused, naming the field, as an existing or as a new branch.
    const refusal = (input: Record<string, unknown>) =>
      app.dispatch('runs.mergeBranches', { run_id: run, target: 'main', mode: 'ff', ...input }).then((r) =>
        r.ok
          ? null
          : {
              code: r.error.code,
              message: r.error.message,
              field: (r.error.details as { field?: string }).field,
            },
      );
    expect(await refusal({})).toEqual({
      code: 'conflict',
      message: expect.stringMatching(/^target: main is checked out at /),
      field: 'target',
    });
    expect(await refusal({ create: true })).toEqual({
      code: 'conflict',
      message: expect.stringMatching(/^target: branch main already exists/),
      field: 'target',
    });
    const [r] = await call<MergeReport[]>(app, 'runs.mergeBranches', {
      run_id: run,
      target: `baton/merge/${run}`,
      mode: 'ff',
      create: true,
    });
    expect(r).toEqual({
      workspace_id: 'app',
      ok: true,
      target: `baton/merge/${run}`,
      created_from: 'main',
      before: main,
      after: a.commit,
      steps: [{ branch: `baton/${run}/a`, how: 'fast-forward' }],
    });
    expect(repo.git(['rev-parse', `baton/merge/${run}`])).toBe(a.commit);
    expect(repo.git(['rev-parse', 'main'])).toBe(main);
  });

  it('fast-forwards the target to a final branch when it can, merges the next; dependencies come with their dependents', async () => {
    const { app, exec, repo } = open();
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    repo.git(['branch', 'release', 'main']);
    const run = await setup(app, [{ id: 'e', skills: ['x'], max_concurrency: 3 }], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [task('a'), { ...task('b'), depends_on: ['a'] }, task('c')],
    });
    await eventually(() => exec.running.has('a') && exec.running.has('c'));
    await expect(
      call(app, 'runs.mergeBranches', { run_id: run, target: 'release', mode: 'ff' }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('still executing'),
    });
    const a = work(repo, `baton/${run}/a`, 'main', { 'a.txt': 'a\n' });
    exec.running.get('a')!.finish(a);
    await eventually(() => exec.running.has('b'));
    exec.running.get('b')!.finish(work(repo, `baton/${run}/b`, a.branch, { 'b.txt': 'b\n' }));
    exec.running.get('c')!.finish(work(repo, `baton/${run}/c`, 'main', { 'c.txt': 'c\n' }));
    await app.engine.whenSettled(run);
    const main = repo.git(['rev-parse', 'main']);

    const [r] = await call<MergeReport[]>(app, 'runs.mergeBranches', {
      run_id: run,
      target: 'release',
      mode: 'ff',
    });
    if (!r?.ok) throw new Error(`no merge: ${JSON.stringify(r)}`);
    // a is in b: only b and c are merged; b fast-forwards release, c needs a merge commit.
    expect(r.steps).toEqual([
      { branch: `baton/${run}/b`, how: 'fast-forward' },
      { branch: `baton/${run}/c`, how: 'merge' },
    ]);
    expect(r.before).toBe(main);
    expect(repo.git(['rev-parse', 'release'])).toBe(r.after);
    expect(repo.git(['ls-tree', '--name-only', 'release']).split('\n').sort()).toEqual([
      'README.md',
      'a.txt',
      'b.txt',
      'c.txt',
    ]);
    // The person's checkout did not move, nor did its files.
    expect(repo.git(['rev-parse', 'main'])).toBe(main);
    expect(repo.git(['status', '--porcelain'])).toBe('');
    // Merging again changes nothing.
    const [again] = await call<MergeReport[]>(app, 'runs.mergeBranches', {
      run_id: run,
      target: 'release',
      mode: 'merge',
    });
    expect(again).toMatchObject({ ok: true, before: r.after, after: r.after });
  });

  it('reports a conflict between final branches with its files and moves nothing; a run with nothing done has nothing to merge', async () => {
    const { app, exec, repo } = open();
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    repo.git(['branch', 'release', 'main']);
    const run = await setup(app, [{ id: 'e', skills: ['x'], max_concurrency: 2 }], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [task('x'), task('y')],
    });
    await eventually(() => exec.running.size === 2);
    exec.running.get('x')!.finish(work(repo, `baton/${run}/x`, 'main', { 'README.md': 'x says\n' }));
    exec.running.get('y')!.finish(work(repo, `baton/${run}/y`, 'main', { 'README.md': 'y says\n' }));
    await app.engine.whenSettled(run);
    const release = repo.git(['rev-parse', 'release']);
    const [r] = await call<MergeReport[]>(app, 'runs.mergeBranches', {
      run_id: run,
      target: 'release',
      mode: 'merge',
    });
    expect(r).toMatchObject({
      ok: false,
      target: 'release',
      conflict: { branch: `baton/${run}/y`, files: ['README.md'], merged_before: [`baton/${run}/x`] },
    });
    expect(repo.git(['rev-parse', 'release'])).toBe(release);

    const failed = await setup(app, [], { plan_id: 'q', workspace: 'app', tasks: [task('z')] });
    await eventually(() => exec.running.has('z'));
    exec.running.get('z')!.fail('no');
    await app.engine.whenSettled(failed);
    await expect(
      call(app, 'runs.mergeBranches', { run_id: failed, target: 'release', mode: 'ff' }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('has no branch to merge') });
  });
});
