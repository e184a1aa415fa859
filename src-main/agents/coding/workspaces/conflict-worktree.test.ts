import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conflictInProgress, conflictStep } from './conflict-worktree.ts';
import { lockedRepositories } from './repo-lock.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import type { DependencyBranch } from './worktrees.ts';
import { prepareWorktree } from './worktrees.ts';

let t: TempRepo;
beforeEach(() => {
  t = makeRepo({ 'README.md': 'hello\n' });
});
afterEach(() => {
  expect(lockedRepositories()).toBe(0);
  t.cleanup();
});

/** A dependency's branch from main with `files` committed. */
function branch(name: string, files: Record<string, string>): DependencyBranch {
  const dir = join(t.worktrees, `dep-${name}`);
  t.git(['worktree', 'add', '-q', '-b', `baton/r1/${name}`, dir, 'main']);
  for (const [p, c] of Object.entries(files)) t.write(p, c, dir);
  const commit = t.commitAll(`work of ${name}`, dir);
  t.git(['worktree', 'remove', dir]);
  return { branch: `baton/r1/${name}`, commit, label: `task ${name}` };
}

describe('a conflict resolved by a person in the task’s worktree (on_conflict "ask")', () => {
  it('leaves the conflicting merge in the worktree, concludes it once resolved, merges the rest, and prepareWorktree then reuses it', async () => {
    const a = branch('a', { 'README.md': 'a says\n' });
    const b = branch('b', { 'README.md': 'b says\n' });
    const d = branch('d', { 'other.txt': 'd\n' });
    const at = { repo: t.repo, branch: 'baton/r1/c', dir: join(t.worktrees, 'c') };
    const from = [a, b, d];
    // prepareWorktree merges without a working tree: the conflict, and nothing made.
    const tried = await prepareWorktree({ ...at, baseBranch: 'main', from });
    expect(tried).toMatchObject({ ok: false, conflict: { files: ['README.md'] } });
    expect(await conflictInProgress(at)).toBe(false);

    const first = await conflictStep({ ...at, from });
    expect(first).toEqual({
      ok: false,
      dir: at.dir,
      files: ['README.md'],
      conflicts: [{ path: 'README.md', kind: 'both_modified' }],
      merging: 'baton/r1/b',
    });
    expect(t.read('README.md', at.dir)).toMatch(/^<<<<<<< HEAD\na says\n=======\nb says\n>>>>>>> /);
    expect(await conflictInProgress(at)).toBe(true);

    // Asked again while the markers are there: still the same conflict, nothing concluded.
    expect(await conflictStep({ ...at, from })).toMatchObject({ ok: false, files: ['README.md'] });

    // The person fixes the file and does not `git add` it.
    t.write('README.md', 'a and b say\n', at.dir);
    const done = await conflictStep({ ...at, from });
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(t.git(['rev-parse', 'baton/r1/c'])).toBe(done.start);
    for (const dep of from) t.git(['merge-base', '--is-ancestor', dep.commit!, done.start]);
    expect(t.git(['show', `${done.start}:README.md`])).toBe('a and b say');
    expect(t.git(['show', `${done.start}:other.txt`])).toBe('d');
    expect(t.git(['status', '--porcelain'], at.dir)).toBe('');
    expect(await conflictInProgress(at)).toBe(false);

    const reused = await prepareWorktree({ ...at, baseBranch: 'main', from });
    expect(reused).toMatchObject({ ok: true, state: 'reused', startCommit: done.start, head: done.start });
  });

  it('takes a merge the person committed themselves, and a deletion as the resolution', async () => {
    const a = branch('a', { 'README.md': 'a says\n', 'gone.txt': 'x\n' });
    t.git(['rm', '-q', 'README.md']);
    t.git(['commit', '-q', '-m', 'main drops README']);
    const b = branch('b', { 'README.md': 'b says\n' });
    const at = { repo: t.repo, branch: 'baton/r1/c', dir: join(t.worktrees, 'c') };
    const step = await conflictStep({ ...at, from: [a, b] });
    expect(step).toMatchObject({ ok: false, files: ['README.md'] });
    t.git(['rm', '-q', 'README.md'], at.dir);
    t.git(['commit', '-q', '--no-edit'], at.dir);
    const done = await conflictStep({ ...at, from: [a, b] });
    expect(done.ok).toBe(true);
    expect(t.git(['ls-tree', '--name-only', 'baton/r1/c'])).toBe('gone.txt');
  });

  it('says how git left each file: both modified, both added, deleted by the branch merged', async () => {
    t.write('lib.txt', 'lib\n');
    t.commitAll('main adds lib.txt');
    const a = branch('a', { 'README.md': 'a says\n', 'new.txt': 'a made it\n', 'lib.txt': 'lib by a\n' });
    const b = branch('b', { 'README.md': 'b says\n', 'new.txt': 'b made it\n' });
    const bDir = join(t.worktrees, 'b-again');
    t.git(['worktree', 'add', '-q', bDir, b.branch]);
    t.git(['rm', '-q', 'lib.txt'], bDir);
    t.git(['commit', '-q', '-m', 'b drops lib.txt'], bDir);
    const bCommit = t.git(['rev-parse', 'HEAD'], bDir);
    t.git(['worktree', 'remove', bDir]);
    const at = { repo: t.repo, branch: 'baton/r1/c', dir: join(t.worktrees, 'c') };
    const step = await conflictStep({ ...at, from: [a, { ...b, commit: bCommit }] });
    expect(step.ok).toBe(false);
    if (step.ok) return;
    // In git's order (the index's, by bytes).
    expect(step.conflicts).toEqual([
      { path: 'README.md', kind: 'both_modified' },
      { path: 'lib.txt', kind: 'deleted_by_them' },
      { path: 'new.txt', kind: 'both_added' },
    ]);
  });

  it('a FIFO left where the conflicting file was does not hold Baton; a link is not read through', async () => {
    const a = branch('a', { 'README.md': 'a says\n' });
    const b = branch('b', { 'README.md': 'b says\n' });
    const at = { repo: t.repo, branch: 'baton/r1/c', dir: join(t.worktrees, 'c') };
    expect(await conflictStep({ ...at, from: [a, b] })).toMatchObject({ ok: false, files: ['README.md'] });
    // A FIFO: nothing to look for markers in (git then refuses to add it, saying so).
    rmSync(join(at.dir, 'README.md'));
    execFileSync('mkfifo', [join(at.dir, 'README.md')]);
    await expect(conflictStep({ ...at, from: [a, b] })).rejects.toThrow(/README\.md/);
    // A link to a file outside that holds markers: the link is the resolution, not what it points to.
    rmSync(join(at.dir, 'README.md'));
    t.write('markers.txt', '<<<<<<< HEAD\nx\n>>>>>>> other\n', t.worktrees);
    symlinkSync(join(t.worktrees, 'markers.txt'), join(at.dir, 'README.md'));
    const done = await conflictStep({ ...at, from: [a, b] });
    expect(done.ok).toBe(true);
  });
});
