import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import { parkWorktree } from './worktree-park.ts';
import { pruneWorktrees } from './worktree-remove.ts';
import type { PreparedWorktree, PrepareWorktreeInput } from './worktrees.ts';
import { prepareWorktree } from './worktrees.ts';

let t: TempRepo;
beforeEach(() => {
  t = makeRepo({ 'README.md': 'hello\n', 'src/same.ts': 'unchanged\n', '.gitignore': 'dist/\n' });
});
afterEach(() => t.cleanup());

async function prepared(task: string, more: Partial<PrepareWorktreeInput> = {}): Promise<PreparedWorktree> {
  const r = await prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: `baton/r1/${task}`,
    dir: join(t.worktrees, task),
    ...more,
  });
  if (!r.ok) throw new Error('conflict');
  return r;
}

const worktreeRecord = (dir: string) =>
  t
    .git(['worktree', 'list', '--porcelain'])
    .split('\n\n')
    .find((r) => r.startsWith(`worktree ${dir}\n`));

describe('parkWorktree', () => {
  it('lets go of the branch, drops what was left (untracked and ignored files too) and locks the worktree as parked', async () => {
    const a = await prepared('a');
    t.write('a.txt', 'a\n', a.dir);
    const { head } = await commitLeftovers({ repo: t.repo, dir: a.dir, message: 'a' });
    t.write('dist/out.js', 'built', a.dir);
    t.write('README.md', 'edited after the commit\n', a.dir);
    t.write('scratch.txt', 'untracked', a.dir);

    expect(await parkWorktree({ repo: t.repo, dir: a.dir })).toEqual({
      dir: a.dir,
      branch: 'baton/r1/a',
      commit: head,
    });
    expect(worktreeRecord(a.dir)).toBe(`worktree ${a.dir}\nHEAD ${head}\ndetached\nlocked baton: parked`);
    expect(t.git(['status', '--porcelain', '--ignored'], a.dir)).toBe('');
    expect(t.read('README.md', a.dir)).toBe('hello\n');
    expect(t.git(['rev-parse', 'baton/r1/a'])).toBe(head);
    // Parking again is a no-op.
    expect((await parkWorktree({ repo: t.repo, dir: a.dir })).commit).toBe(head);
  });

  it("refuses the repository's own checkout, a folder that is not a worktree, one a person locked", async () => {
    await expect(parkWorktree({ repo: t.repo, dir: t.repo })).rejects.toThrow(
      "is the repository's own working tree",
    );
    await expect(parkWorktree({ repo: t.repo, dir: join(t.worktrees, 'none') })).rejects.toMatchObject({
      reason: 'not_a_worktree',
    });
    const a = await prepared('a');
    t.git(['worktree', 'lock', '--reason', 'a person is looking', a.dir]);
    await expect(parkWorktree({ repo: t.repo, dir: a.dir })).rejects.toThrow(
      'is locked (a person is looking)',
    );
  });
});

describe('prepareWorktree into a parked worktree', () => {
  it("starts another task's branch there, writing only the files that differ", async () => {
    const a = await prepared('a');
    t.write('a.txt', 'a\n', a.dir);
    t.write('README.md', 'changed by a\n', a.dir);
    await commitLeftovers({ repo: t.repo, dir: a.dir, message: 'a' });
    await parkWorktree({ repo: t.repo, dir: a.dir });
    const same = statSync(join(a.dir, 'src/same.ts'));

    // b starts from main, in a's old folder: a's files are gone, main's are back.
    const b = await prepared('b', { dir: a.dir });
    expect(b).toMatchObject({ state: 'created', recycled: true, startCommit: t.git(['rev-parse', 'main']) });
    expect(existsSync(join(b.dir, 'a.txt'))).toBe(false);
    expect(t.read('README.md', b.dir)).toBe('hello\n');
    expect(t.git(['status', '--porcelain'], b.dir)).toBe('');
    expect(t.git(['branch', '--show-current'], b.dir)).toBe('baton/r1/b');
    expect(worktreeRecord(b.dir)).not.toContain('locked');
    const after = statSync(join(b.dir, 'src/same.ts'));
    expect({ ino: after.ino, mtime: after.mtimeMs }).toEqual({ ino: same.ino, mtime: same.mtimeMs });

    // The work of b goes on as in any worktree.
    t.write('b.txt', 'b\n', b.dir);
    const { committed } = await commitLeftovers({
      repo: t.repo,
      dir: b.dir,
      message: 'b',
      branch: 'baton/r1/b',
    });
    expect(committed).toBe(true);
  });

  it("takes a dependent task with its dependencies merged, and a task's existing branch (a new attempt)", async () => {
    const a = await prepared('a');
    t.write('a.txt', 'a\n', a.dir);
    await commitLeftovers({ repo: t.repo, dir: a.dir, message: 'a' });
    const c = await prepared('c');
    t.write('c.txt', 'c\n', c.dir);
    await commitLeftovers({ repo: t.repo, dir: c.dir, message: 'c' });
    await parkWorktree({ repo: t.repo, dir: a.dir });
    await parkWorktree({ repo: t.repo, dir: c.dir });

    const d = await prepared('d', { dir: a.dir, from: [{ branch: 'baton/r1/a' }, { branch: 'baton/r1/c' }] });
    expect(d).toMatchObject({ state: 'created', recycled: true });
    expect([t.read('a.txt', d.dir), t.read('c.txt', d.dir)]).toEqual(['a\n', 'c\n']);

    const again = await prepared('a', { dir: c.dir });
    expect(again).toMatchObject({
      state: 'reattached',
      recycled: true,
      head: t.git(['rev-parse', 'baton/r1/a']),
    });
    expect(t.read('a.txt', again.dir)).toBe('a\n');
    expect(existsSync(join(again.dir, 'c.txt'))).toBe(false);
  });

  it('makes again a worktree whose taking was cut short', async () => {
    const a = await prepared('a');
    await parkWorktree({ repo: t.repo, dir: a.dir });
    // What a killed takeParked leaves: locked "preparing", HEAD naming a branch not made yet.
    t.git(['worktree', 'unlock', a.dir]);
    t.git(['worktree', 'lock', '--reason', 'baton: preparing', a.dir]);
    t.git(['symbolic-ref', 'HEAD', 'refs/heads/baton/r1/b'], a.dir);

    const b = await prepared('b', { dir: a.dir });
    expect(b).toMatchObject({ state: 'created', recycled: false });
    expect(t.git(['status', '--porcelain'], b.dir)).toBe('');
  });

  it('leaves parked worktrees to pruneWorktrees like any other', async () => {
    const a = await prepared('a');
    await parkWorktree({ repo: t.repo, dir: a.dir });
    const r = await pruneWorktrees({ repo: t.repo, root: t.worktrees });
    expect(r.removed).toEqual([{ dir: a.dir, branch: null, branchDeleted: false }]);
    expect(t.git(['worktree', 'list', '--porcelain'])).not.toContain(a.dir);
  });
});
