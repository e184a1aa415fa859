import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import { pruneWorktrees, removeWorktree } from './worktree-remove.ts';
import type { PreparedWorktree } from './worktrees.ts';
import { prepareWorktree } from './worktrees.ts';

let t: TempRepo;
beforeEach(() => {
  t = makeRepo();
});
afterEach(() => t.cleanup());

async function prepared(task: string, root = t.worktrees): Promise<PreparedWorktree> {
  const r = await prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: `baton/r1/${task}`,
    dir: join(root, task),
  });
  if (!r.ok) throw new Error('conflict');
  return r;
}

/** The folders `git worktree list` shows, sorted. */
const listed = () =>
  t
    .git(['worktree', 'list', '--porcelain'])
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .sort();

describe('removeWorktree', () => {
  it('removes a worktree with uncommitted and untracked changes, keeping its branch', async () => {
    const a = await prepared('a');
    t.write('README.md', 'changed\n', a.dir);
    t.write('new/file.txt', 'untracked\n', a.dir);
    expect(await removeWorktree({ repo: t.repo, dir: a.dir })).toEqual({
      removed: true,
      branch: 'baton/r1/a',
      branchDeleted: false,
    });
    expect(existsSync(a.dir)).toBe(false);
    expect(readdirSync(t.worktrees)).toEqual([]); // nothing moved aside is left either
    expect(listed()).toEqual([`worktree ${t.repo}`]);
    expect(t.git(['branch', '--list', 'baton/r1/a'])).toBe('baton/r1/a');
  });

  it('deletes the branch and its recorded start when asked', async () => {
    const a = await prepared('a');
    expect((await removeWorktree({ repo: t.repo, dir: a.dir, deleteBranch: true })).branchDeleted).toBe(true);
    expect(t.git(['for-each-ref', '--format=%(refname)'])).toBe('refs/heads/main');
  });

  it('tolerates a worktree already gone, or a folder deleted behind git, or a locked one', async () => {
    const a = await prepared('a');
    expect((await removeWorktree({ repo: t.repo, dir: a.dir })).removed).toBe(true);
    expect(await removeWorktree({ repo: t.repo, dir: a.dir })).toEqual({
      removed: false,
      branch: null,
      branchDeleted: false,
    });

    const b = await prepared('b');
    rmSync(b.dir, { recursive: true });
    expect((await removeWorktree({ repo: t.repo, dir: b.dir })).removed).toBe(true);

    const c = await prepared('c');
    t.git(['worktree', 'lock', '--reason', 'a person is looking', c.dir]);
    expect((await removeWorktree({ repo: t.repo, dir: c.dir })).removed).toBe(true);
    expect(listed()).toEqual([`worktree ${t.repo}`]);
  });

  it("refuses to remove a folder that is not one of the repository's worktrees, or the repository itself", async () => {
    const other = join(t.root, 'mine');
    mkdirSync(other);
    writeFileSync(join(other, 'precious.txt'), 'keep');
    await expect(removeWorktree({ repo: t.repo, dir: other })).rejects.toMatchObject({
      reason: 'not_a_worktree',
    });
    expect(existsSync(join(other, 'precious.txt'))).toBe(true);
    await expect(removeWorktree({ repo: t.repo, dir: t.repo })).rejects.toThrow(
      "is the repository's own working tree",
    );
  });
});

describe('pruneWorktrees', () => {
  it('removes worktrees under the root but those kept, leaves others alone, and prunes records of gone folders', async () => {
    const a = await prepared('a');
    const b = await prepared('b');
    const kept = await prepared('kept');
    const gone = await prepared('gone');
    rmSync(gone.dir, { recursive: true });
    // A worktree of the user's own, outside Baton's root.
    const usersOwn = join(t.root, 'users-own');
    t.git(['worktree', 'add', '-q', '-b', 'feature', usersOwn]);

    const r = await pruneWorktrees({ repo: t.repo, root: t.worktrees, keep: [kept.dir] });
    expect(r.removed.map((x) => x.dir).sort()).toEqual([a.dir, b.dir, gone.dir].sort());
    expect(r.removed.every((x) => !x.branchDeleted)).toBe(true);
    expect(listed()).toEqual([`worktree ${t.repo}`, `worktree ${usersOwn}`, `worktree ${kept.dir}`].sort());
    for (const dir of [a.dir, b.dir]) expect(existsSync(dir)).toBe(false);
    expect(readdirSync(t.worktrees)).toEqual(['kept']);
    expect(t.git(['branch', '--list', 'baton/*', '--format=%(refname:short)'])).toBe(
      'baton/r1/a\nbaton/r1/b\nbaton/r1/gone\nbaton/r1/kept',
    );

    // A folder git still records, deleted behind its back, outside the root: `git worktree prune` clears it.
    rmSync(usersOwn, { recursive: true });
    const again = await pruneWorktrees({
      repo: t.repo,
      root: t.worktrees,
      keep: [kept.dir],
      deleteBranches: true,
    });
    expect(again.removed).toEqual([]);
    expect(again.pruned).toEqual(['worktrees/users-own']);
    expect(listed()).toEqual([`worktree ${t.repo}`, `worktree ${kept.dir}`].sort());

    const all = await pruneWorktrees({ repo: t.repo, root: t.worktrees, deleteBranches: true });
    expect(all.removed).toEqual([{ dir: kept.dir, branch: 'baton/r1/kept', branchDeleted: true }]);
    expect(listed()).toEqual([`worktree ${t.repo}`]);
  });

  it('refuses a root that holds the repository', async () => {
    await expect(pruneWorktrees({ repo: t.repo, root: t.root })).rejects.toThrow(
      'holds the repository itself',
    );
  });
});
