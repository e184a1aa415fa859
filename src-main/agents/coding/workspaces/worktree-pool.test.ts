import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import { emptyPool, parkAllInPool, parkedWorktrees, parkInPool } from './worktree-pool.ts';
import { pruneWorktrees } from './worktree-remove.ts';
import type { PreparedWorktree, PrepareWorktreeInput } from './worktrees.ts';
import { prepareWorktree } from './worktrees.ts';

let t: TempRepo;
let pool: string;
beforeEach(() => {
  t = makeRepo({
    'README.md': 'hello\n',
    'src/same.ts': 'unchanged\n',
    'src/kept.ts': 'kept\n',
    '.gitignore': 'dist/\nnode_modules/\n',
  });
  pool = join(t.worktrees, '.parked', 'app');
});
afterEach(() => t.cleanup());

async function prepared(task: string, more: Partial<PrepareWorktreeInput> = {}): Promise<PreparedWorktree> {
  const r = await prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: `baton/r1/${task}`,
    dir: join(t.worktrees, 'r1', task, 'tree'),
    pool,
    ...more,
  });
  if (!r.ok) throw new Error('conflict');
  return r;
}

const records = () =>
  t
    .git(['worktree', 'list', '--porcelain'])
    .split('\n\n')
    .slice(1)
    .map((r) => r.trim());

describe('parkAllInPool', () => {
  it('parks several worktrees in one pass, in order, removing those the pool has no room for; a gone one is no error', async () => {
    const a = await prepared('a');
    const b = await prepared('b');
    const c = await prepared('c');
    t.write('left.txt', 'uncommitted\n', b.dir);
    const gone = join(t.worktrees, 'r1', 'never', 'tree');
    const got = await parkAllInPool({ repo: t.repo, dirs: [a.dir, gone, b.dir, c.dir], pool, max: 2 });
    expect(got.map((p) => ({ ...p, parked: p.parked !== null }))).toEqual([
      { parked: true, found: true, branch: 'baton/r1/a' },
      { parked: false, found: false, branch: null },
      { parked: true, found: true, branch: 'baton/r1/b' },
      // The pool holds 2: the third is removed, its branch kept.
      { parked: false, found: true, branch: 'baton/r1/c' },
    ]);
    expect(await parkedWorktrees({ repo: t.repo, pool })).toEqual(
      expect.arrayContaining([got[0]!.parked, got[2]!.parked]),
    );
    expect(records()).toHaveLength(2);
    for (const dir of [a.dir, b.dir, c.dir]) expect(existsSync(dir)).toBe(false);
    expect(t.git(['rev-parse', '--verify', 'baton/r1/c'])).not.toBe('');
    // The next attempt takes a parked one, and none of what b left comes with it.
    const d = await prepared('d');
    expect(d.recycled).toBe(true);
    expect(existsSync(join(d.dir, 'left.txt'))).toBe(false);
  });

  it('refuses, naming the entry, a path that is not absolute or is the repository itself, and parks none of the others', async () => {
    const a = await prepared('a');
    await expect(parkAllInPool({ repo: t.repo, dirs: [a.dir, 'rel/tree'], pool, max: 4 })).rejects.toThrow(
      'dirs[1]: rel/tree is not an absolute path',
    );
    await expect(parkAllInPool({ repo: t.repo, dirs: [a.dir, t.repo], pool, max: 4 })).rejects.toThrow(
      `dirs[1]: ${t.repo} is the repository's own working tree`,
    );
    expect(existsSync(a.dir)).toBe(true);
    expect(await parkedWorktrees({ repo: t.repo, pool })).toEqual([]);
  });
});

describe('parkInPool', () => {
  it('moves a finished worktree into the pool, detached and locked, its branch kept and held by no worktree', async () => {
    const a = await prepared('a');
    t.write('a.txt', 'a\n', a.dir);
    const { head } = await commitLeftovers({ repo: t.repo, dir: a.dir, message: 'a' });

    const p = await parkInPool({ repo: t.repo, dir: a.dir, pool, max: 2 });
    expect(p).toMatchObject({ found: true, branch: 'baton/r1/a' });
    expect(p.parked).not.toBeNull();
    expect(existsSync(a.dir)).toBe(false);
    expect(records()).toEqual([`worktree ${p.parked}\nHEAD ${head}\ndetached\nlocked baton: parked`]);
    expect(t.git(['rev-parse', 'baton/r1/a'])).toBe(head);
    expect(await parkedWorktrees({ repo: t.repo, pool })).toEqual([p.parked]);
  });

  it('removes the worktree instead when the pool is full, and a worktree that is gone is no error', async () => {
    const a = await prepared('a');
    const b = await prepared('b');
    expect((await parkInPool({ repo: t.repo, dir: a.dir, pool, max: 1 })).parked).not.toBeNull();
    expect(await parkInPool({ repo: t.repo, dir: b.dir, pool, max: 1 })).toEqual({
      parked: null,
      found: true,
      branch: 'baton/r1/b',
    });
    expect(existsSync(b.dir)).toBe(false);
    expect(records()).toHaveLength(1);
    expect(t.git(['rev-parse', '--verify', 'baton/r1/b'])).not.toBe('');
    expect(await parkInPool({ repo: t.repo, dir: b.dir, pool, max: 1 })).toEqual({
      parked: null,
      found: false,
      branch: null,
    });
    // max 0: no pool at all.
    const c = await prepared('c');
    expect((await parkInPool({ repo: t.repo, dir: c.dir, pool, max: 0 })).parked).toBeNull();
  });

  it("removes, never parks, a worktree still locked by its preparation or by a person, and refuses the repository's own", async () => {
    const a = await prepared('a');
    t.git(['worktree', 'lock', '--reason', 'a person is looking', a.dir]);
    expect((await parkInPool({ repo: t.repo, dir: a.dir, pool, max: 2 })).parked).toBeNull();
    expect(records()).toEqual([]);
    await expect(parkInPool({ repo: t.repo, dir: t.repo, pool, max: 2 })).rejects.toThrow(
      "is the repository's own working tree",
    );
    await expect(
      parkInPool({ repo: t.repo, dir: join(t.worktrees, 'x'), pool: join(t.repo, 'pool'), max: 2 }),
    ).rejects.toThrow(/^pool: .* is inside the repository's working tree/);
  });
});

describe('prepareWorktree with a pool', () => {
  it("takes a parked worktree for the next task: nothing the last attempt left stays, unchanged files aren't written", async () => {
    const a = await prepared('a');
    t.write('a.txt', 'a\n', a.dir);
    t.write('README.md', 'changed by a\n', a.dir);
    await commitLeftovers({ repo: t.repo, dir: a.dir, message: 'a' });
    // What a's agent (or anyone) left after the commit: a changed tracked file, a staged new
    // file, untracked and ignored files, a nested repository, a merge in progress.
    t.write('src/kept.ts', 'edited, never committed\n', a.dir);
    t.write('staged.txt', 'staged\n', a.dir);
    t.git(['add', 'staged.txt'], a.dir);
    t.write('scratch/notes.txt', 'untracked\n', a.dir);
    t.write('dist/out.js', 'built\n', a.dir);
    t.write('nested/inner.txt', 'x\n', a.dir);
    t.git(['init', '-q'], join(a.dir, 'nested'));
    const gitDir = t.git(['rev-parse', '--absolute-git-dir'], a.dir);
    t.write('MERGE_HEAD', `${t.git(['rev-parse', 'HEAD'], a.dir)}\n`, gitDir);
    const same = statSync(join(a.dir, 'src/same.ts'));
    const p = await parkInPool({ repo: t.repo, dir: a.dir, pool, max: 2 });
    expect(readdirSync(p.parked!)).toContain('scratch'); // parked as it was: cleaned when taken

    const b = await prepared('b');
    expect(b).toMatchObject({
      state: 'created',
      recycled: true,
      dir: join(t.worktrees, 'r1', 'b', 'tree'),
      startCommit: t.git(['rev-parse', 'main']),
    });
    expect(existsSync(p.parked!)).toBe(false);
    expect(t.git(['status', '--porcelain', '--ignored', '--untracked-files=all'], b.dir)).toBe('');
    expect(readdirSync(b.dir).sort()).toEqual(['.git', '.gitignore', 'README.md', 'src']);
    expect([t.read('README.md', b.dir), t.read('src/kept.ts', b.dir)]).toEqual(['hello\n', 'kept\n']);
    expect(existsSync(join(gitDir, 'MERGE_HEAD'))).toBe(false);
    expect(t.git(['branch', '--show-current'], b.dir)).toBe('baton/r1/b');
    expect(records()).toEqual([
      `worktree ${b.dir}\nHEAD ${t.git(['rev-parse', 'main'])}\nbranch refs/heads/baton/r1/b`,
    ]);
    const after = statSync(join(b.dir, 'src/same.ts'));
    expect({ ino: after.ino, mtime: after.mtimeMs }).toEqual({ ino: same.ino, mtime: same.mtimeMs });

    // b works there as in any worktree, and its diff is its own.
    t.write('b.txt', 'b\n', b.dir);
    const { committed } = await commitLeftovers({
      repo: t.repo,
      dir: b.dir,
      message: 'b',
      branch: 'baton/r1/b',
    });
    expect(committed).toBe(true);
    expect(t.git(['diff', '--name-only', 'main', 'baton/r1/b'])).toBe('b.txt');
  });

  it('keeps the ignored paths named in keepIgnored (node_modules/) and only those; a path git does not ignore goes even when named', async () => {
    const a = await prepared('a');
    t.write('node_modules/pkg/index.js', 'installed\n', a.dir);
    t.write('packages/web/node_modules/dep/index.js', 'installed too\n', a.dir);
    t.write('dist/out.js', 'built\n', a.dir);
    t.write('scratch/notes.txt', 'untracked\n', a.dir);
    t.write('vendor-cache/blob', 'untracked, not ignored\n', a.dir);
    const installed = statSync(join(a.dir, 'node_modules/pkg/index.js'));
    await parkInPool({ repo: t.repo, dir: a.dir, pool, max: 2 });

    const b = await prepared('b', { keepIgnored: ['node_modules/', 'vendor-cache/'] });
    expect(b.recycled).toBe(true);
    expect(t.read('node_modules/pkg/index.js', b.dir)).toBe('installed\n');
    expect(statSync(join(b.dir, 'node_modules/pkg/index.js')).ino).toBe(installed.ino);
    expect(t.read('packages/web/node_modules/dep/index.js', b.dir)).toBe('installed too\n');
    for (const gone of ['dist', 'scratch', 'vendor-cache']) expect(existsSync(join(b.dir, gone))).toBe(false);
    // Nothing b's commit of leftovers would take in: what is kept is ignored.
    expect(t.git(['status', '--porcelain', '--untracked-files=all'], b.dir)).toBe('');
    expect(
      (await commitLeftovers({ repo: t.repo, dir: b.dir, message: 'b', branch: 'baton/r1/b' })).committed,
    ).toBe(false);

    // Without keepIgnored, a taken worktree keeps nothing (the default).
    await parkInPool({ repo: t.repo, dir: b.dir, pool, max: 2 });
    const c = await prepared('c');
    expect(c.recycled).toBe(true);
    expect(existsSync(join(c.dir, 'node_modules'))).toBe(false);
    expect(existsSync(join(c.dir, 'packages'))).toBe(false);
  });

  it('makes a new worktree when the pool is empty, and takes parked ones for a dependent task and a new attempt', async () => {
    const a = await prepared('a');
    expect(a.recycled).toBe(false);
    t.write('a.txt', 'a\n', a.dir);
    await commitLeftovers({ repo: t.repo, dir: a.dir, message: 'a' });
    await parkInPool({ repo: t.repo, dir: a.dir, pool, max: 2 });
    const d = await prepared('d', { from: [{ branch: 'baton/r1/a' }] });
    expect(d).toMatchObject({ recycled: true, state: 'created' });
    expect(t.read('a.txt', d.dir)).toBe('a\n');
    await parkInPool({ repo: t.repo, dir: d.dir, pool, max: 2 });
    // a's worktree went; a new attempt of a reattaches its branch in a parked worktree.
    const again = await prepared('a');
    expect(again).toMatchObject({
      state: 'reattached',
      recycled: true,
      head: t.git(['rev-parse', 'baton/r1/a']),
    });
    expect(t.read('a.txt', again.dir)).toBe('a\n');
    expect(await parkedWorktrees({ repo: t.repo, pool })).toEqual([]);
  });

  it('a worktree whose taking was cut short after the move is taken at its new place', async () => {
    const a = await prepared('a');
    const p = await parkInPool({ repo: t.repo, dir: a.dir, pool, max: 2 });
    // What a Baton killed right after `git worktree move` leaves: a parked worktree at b's folder.
    const bDir = join(t.worktrees, 'r1', 'b', 'tree');
    mkdirSync(join(t.worktrees, 'r1', 'b'));
    t.git(['worktree', 'move', '--force', '--force', p.parked!, bDir]);
    const b = await prepared('b', { pool: join(t.worktrees, 'empty-pool') });
    expect(b).toMatchObject({ recycled: true, state: 'created', dir: bDir });
  });
});

describe('emptying the pool', () => {
  it('emptyPool and pruneWorktrees remove parked worktrees; records of a deleted pool go too', async () => {
    const both = [await prepared('a'), await prepared('b')];
    for (const w of both) await parkInPool({ repo: t.repo, dir: w.dir, pool, max: 2 });
    expect(await emptyPool({ repo: t.repo, pool })).toHaveLength(2);
    expect(records()).toEqual([]);
    expect(existsSync(pool)).toBe(false);

    const c = await prepared('c');
    await parkInPool({ repo: t.repo, dir: c.dir, pool, max: 2 });
    const r = await pruneWorktrees({ repo: t.repo, root: t.worktrees });
    expect(r.removed).toHaveLength(1);
    expect(records()).toEqual([]);

    // Baton's data folder deleted with a parked worktree in it: the locked record is dropped by
    // the next prepareWorktree in the repository (or emptyPool), not kept for ever.
    const e = await prepared('e');
    await parkInPool({ repo: t.repo, dir: e.dir, pool, max: 2 });
    rmSync(t.worktrees, { recursive: true, force: true });
    expect(records()).toHaveLength(1);
    const f = await prepared('f');
    expect(f.recycled).toBe(false);
    expect(records().map((r) => r.split('\n')[0])).toEqual([`worktree ${f.dir}`]);
  });
});
