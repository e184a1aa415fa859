import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import { mergeBranches } from './merge-branches.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import { prepareWorktree } from './worktrees.ts';

let t: TempRepo;
beforeEach(() => {
  t = makeRepo({ 'README.md': 'hello\n', 'shared.txt': 'line 1\nline 2\n' });
  // The user works on a branch of their own, with staged, unstaged and untracked changes.
  t.git(['checkout', '-q', '-b', 'feature']);
  t.write('README.md', 'staged by the user\n');
  t.git(['add', 'README.md']);
  t.write('README.md', 'staged, then edited again\n');
  t.write('scratch.txt', 'untracked\n');
});
afterEach(() => t.cleanup());

/** A task's branch from main with these files changed. */
async function taskBranch(task: string, files: Record<string, string>): Promise<string> {
  const r = await prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: `baton/r1/${task}`,
    dir: join(t.worktrees, task),
  });
  if (!r.ok) throw new Error('conflict');
  for (const [path, content] of Object.entries(files)) t.write(path, content, r.dir);
  return (await commitLeftovers({ repo: t.repo, dir: r.dir, message: `task ${task}` })).head;
}

/** Everything of the user's checkout: HEAD, the index file's bytes, what status and diff say, the files. */
function checkout() {
  return {
    head: t.git(['symbolic-ref', 'HEAD']),
    commit: t.git(['rev-parse', 'HEAD']),
    index: readFileSync(join(t.repo, '.git', 'index')).toString('base64'),
    status: t.git(['status', '--porcelain=v2', '--untracked-files=all']),
    staged: t.git(['diff', '--cached']),
    unstaged: t.git(['diff']),
    readme: t.read('README.md'),
    scratch: t.read('scratch.txt'),
  };
}

describe('mergeBranches', () => {
  it('fast-forwards when it can and is asked, then merges the next branch with a merge commit', async () => {
    const user = checkout();
    const main = t.git(['rev-parse', 'main']);
    const b = await taskBranch('b', { 'b.txt': 'b\n' });
    const c = await taskBranch('c', { 'c.txt': 'c\n' });
    const r = await mergeBranches({
      repo: t.repo,
      target: 'main',
      branches: ['baton/r1/b', 'baton/r1/c'],
      mode: 'ff',
    });
    if (!r.ok) throw new Error('conflict');
    expect(r.before).toBe(main);
    expect(r.steps).toEqual([
      { branch: 'baton/r1/b', how: 'fast-forward' },
      { branch: 'baton/r1/c', how: 'merge' },
    ]);
    expect(t.git(['rev-parse', 'main'])).toBe(r.after);
    expect(t.git(['log', '--format=%P', '-1', 'main'])).toBe(`${b} ${c}`);
    expect(t.git(['log', '-1', '--format=%s|%an', 'main'])).toBe("Merge branch 'baton/r1/c' into main|Baton");
    expect(t.git(['ls-tree', '--name-only', 'main']).split('\n')).toEqual([
      'README.md',
      'b.txt',
      'c.txt',
      'shared.txt',
    ]);
    expect(checkout()).toEqual(user);
  });

  it("makes a merge commit in 'merge' mode even when a fast-forward was possible; merging again changes nothing", async () => {
    const user = checkout();
    const main = t.git(['rev-parse', 'main']);
    const b = await taskBranch('b', { 'b.txt': 'b\n' });
    const r = await mergeBranches({ repo: t.repo, target: 'main', branches: ['baton/r1/b'], mode: 'merge' });
    if (!r.ok) throw new Error('conflict');
    expect(r.steps).toEqual([{ branch: 'baton/r1/b', how: 'merge' }]);
    expect(t.git(['log', '--format=%P', '-1', 'main'])).toBe(`${main} ${b}`);
    expect(t.git(['reflog', '-1', '--format=%gs', 'main'])).toBe('baton: merge baton/r1/b');

    const again = await mergeBranches({ repo: t.repo, target: 'main', branches: ['baton/r1/b'], mode: 'ff' });
    expect(again).toMatchObject({
      ok: true,
      before: r.after,
      after: r.after,
      steps: [{ how: 'already-merged' }],
    });
    expect(checkout()).toEqual(user);
  });

  it('reports a conflict with its files and moves nothing', async () => {
    const user = checkout();
    await taskBranch('b', { 'shared.txt': 'line 1\nline 2 by b\n', 'b.txt': 'b\n' });
    await taskBranch('c', { 'shared.txt': 'line 1\nline 2 by c\n' });
    const refs = t.git(['for-each-ref', '--format=%(refname) %(objectname)']);
    const r = await mergeBranches({
      repo: t.repo,
      target: 'main',
      branches: ['baton/r1/b', 'baton/r1/c'],
      mode: 'ff',
    });
    expect(r).toEqual({
      ok: false,
      conflict: {
        files: ['shared.txt'],
        messages: ['CONFLICT (content): Merge conflict in shared.txt'],
        branch: 'baton/r1/c',
        mergedBefore: ['baton/r1/b'],
      },
    });
    expect(t.git(['for-each-ref', '--format=%(refname) %(objectname)'])).toBe(refs);
    expect(checkout()).toEqual(user);
  });

  it("refuses a target checked out in the user's checkout, and names it", async () => {
    await taskBranch('b', { 'b.txt': 'b\n' });
    const user = checkout();
    const feature = t.git(['rev-parse', 'feature']);
    await expect(
      mergeBranches({ repo: t.repo, target: 'feature', branches: ['baton/r1/b'], mode: 'merge' }),
    ).rejects.toThrow(`target: feature is checked out at ${t.repo}`);
    expect(t.git(['rev-parse', 'feature'])).toBe(feature);
    expect(checkout()).toEqual(user);
  });

  it('makes a new target from the base branch, fast-forwarded, the checkout untouched; refuses a name a branch has', async () => {
    const b = await taskBranch('b', { 'b.txt': 'b\n' });
    const main = t.git(['rev-parse', 'main']);
    const user = checkout();
    const r = await mergeBranches({
      repo: t.repo,
      target: 'baton/merge/r1',
      createFrom: 'main',
      branches: ['baton/r1/b'],
      mode: 'ff',
    });
    expect(r).toEqual({
      ok: true,
      target: 'baton/merge/r1',
      createdFrom: 'main',
      before: main,
      after: b,
      steps: [{ branch: 'baton/r1/b', how: 'fast-forward' }],
    });
    expect(t.git(['rev-parse', 'baton/merge/r1'])).toBe(b);
    expect(t.git(['rev-parse', 'main'])).toBe(main);
    expect(checkout()).toEqual(user);
    // Asked again, the branch is there now: refused, naming the field, and left as it was.
    await expect(
      mergeBranches({
        repo: t.repo,
        target: 'baton/merge/r1',
        createFrom: 'main',
        branches: ['baton/r1/b'],
        mode: 'ff',
      }),
    ).rejects.toThrow('target: branch baton/merge/r1 already exists');
    // The user's checked-out branch is a branch that exists: refused as a new one too.
    await expect(
      mergeBranches({ repo: t.repo, target: 'feature', createFrom: 'main', branches: [], mode: 'ff' }),
    ).rejects.toThrow('target: branch feature already exists');
    await expect(
      mergeBranches({ repo: t.repo, target: '-x', createFrom: 'main', branches: [], mode: 'ff' }),
    ).rejects.toThrow('target: "-x" is not a valid branch name');
    expect(t.git(['rev-parse', 'baton/merge/r1'])).toBe(b);
  });

  it('makes a new target even when nothing moves it (the run changed nothing the base lacks)', async () => {
    const main = t.git(['rev-parse', 'main']);
    const r = await mergeBranches({
      repo: t.repo,
      target: 'kept',
      createFrom: 'main',
      branches: [],
      mode: 'ff',
    });
    expect(r).toMatchObject({ ok: true, createdFrom: 'main', before: main, after: main });
    expect(t.git(['rev-parse', 'kept'])).toBe(main);
  });

  it('makes no new target when a branch conflicts', async () => {
    await taskBranch('b', { 'shared.txt': 'line 1\nline 2 by b\n' });
    await taskBranch('c', { 'shared.txt': 'line 1\nline 2 by c\n' });
    const r = await mergeBranches({
      repo: t.repo,
      target: 'baton/merge/r1',
      createFrom: 'main',
      branches: ['baton/r1/b', 'baton/r1/c'],
      mode: 'ff',
    });
    expect(r.ok).toBe(false);
    expect(t.git(['branch', '--list', 'baton/merge/r1'])).toBe('');
  });

  it('refuses a target or branch that does not exist, naming it', async () => {
    await expect(
      mergeBranches({ repo: t.repo, target: 'release', branches: [], mode: 'ff' }),
    ).rejects.toThrow('target: branch release does not exist');
    await expect(
      mergeBranches({ repo: t.repo, target: 'main', branches: ['baton/r1/nope'], mode: 'ff' }),
    ).rejects.toThrow('branches[0]: branch baton/r1/nope does not exist');
  });
});
