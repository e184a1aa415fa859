import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceError } from './errors.ts';
import type { WorktreeAt } from './git.ts';
import { git } from './git.ts';
import { withRepoLock } from './repo-lock.ts';
import type { Cancellable, Repository } from './repository.ts';
import { cancellable, openRepository, realTarget } from './repository.ts';
import { listWorktrees, PARKED, PREPARING } from './worktree-list.ts';
import { inWorktree, openWorktree } from './worktree-open.ts';

/**
 * Parked worktrees: instead of removing a finished attempt's worktree (deleting every file)
 * and checking out a new one for the next attempt (writing every file again), Baton can park
 * it (detached, cleaned, locked "baton: parked") and `prepareWorktree` into it later: then only
 * the files that differ between the two commits are written. On a repository of 20,000 files
 * that is most of the git part of an attempt (test/bench/coding-git.ts).
 *
 * A parked worktree holds no branch, has nothing but its commit's files (no untracked or
 * ignored file is left: `git clean -ffdx`), and is a worktree like any other for
 * `removeWorktree` and `pruneWorktrees`.
 */

export interface ParkWorktreeInput extends Cancellable {
  repo: string;
  /** A worktree Baton prepared, whose attempt is over (commit what it left first: the rest is discarded). */
  dir: string;
}

export interface ParkedWorktree {
  dir: string;
  /** The branch it had checked out, now free (and kept). */
  branch: string | null;
  /** The commit its files are at. */
  commit: string;
}

export async function parkWorktree(input: ParkWorktreeInput): Promise<ParkedWorktree> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const dir = realTarget(input.dir);
  const { entry, at } = await withRepoLock(repo.commonDir, async () => {
    const found = (await listWorktrees(repo, c)).find((e) => e.path === dir);
    if (!found || found.main || found.missing) {
      const why = found?.main ? "is the repository's own working tree" : `is not a worktree of ${repo.path}`;
      throw new WorkspaceError('not_a_worktree', `dir: ${input.dir} ${why}`, { field: 'dir' });
    }
    if (found.locked !== null && found.locked !== PARKED) {
      throw new WorkspaceError(
        'worktree_locked',
        `dir: ${input.dir} is locked (${found.locked || 'no reason given'}); it is not parked`,
        {
          field: 'dir',
        },
      );
    }
    const { at } = openWorktree(repo, dir);
    if (found.locked !== PARKED) {
      // The branch is let go first, under the lock: from here on it can be checked out elsewhere.
      await git(
        ['update-ref', '--no-deref', '-m', 'baton: park', 'HEAD', found.head ?? 'HEAD'],
        inWorktree(at, c),
      );
    }
    return { entry: found, at };
  });
  if (entry.locked !== PARKED) {
    // Only this worktree's index and files: outside the lock.
    await git(['reset', '--quiet', '--hard', 'HEAD'], { ...inWorktree(at, c), retryOnLock: true });
    await git(['clean', '-q', '-ffdx'], inWorktree(at, c));
    await withRepoLock(repo.commonDir, () => lock(repo, dir, PARKED, c));
  }
  return { dir, branch: entry.branch, commit: entry.head ?? '' };
}

/**
 * Turns the parked worktree at `dir` into the worktree of `branch` (an existing one, or a new
 * one at `at`), locked "baton: preparing" until its files are checked out. Called with the
 * repository lock held. In this order, so that a call cut short leaves something
 * `prepareWorktree` knows to remove: locked "preparing" first, then HEAD names the branch,
 * then a new branch is made.
 */
export async function takeParked(
  repo: Repository,
  dir: string,
  branch: { create: string; at: string } | { existing: string },
  opts: Cancellable,
): Promise<void> {
  const { at } = openWorktree(repo, dir);
  setLock(at, PREPARING);
  const name = 'create' in branch ? branch.create : branch.existing;
  await git(
    ['symbolic-ref', '-m', 'baton: take parked worktree', 'HEAD', `refs/heads/${name}`],
    inWorktree(at, opts),
  );
  if ('create' in branch) {
    await git(['update-ref', '-m', 'baton: branch start', `refs/heads/${name}`, branch.at, ''], {
      cwd: repo.path,
      retryOnLock: true,
      ...opts,
    });
  }
}

/**
 * Locks the worktree whose own git folder is `at.gitDir` with `reason`, or unlocks it (null),
 * without a git process: git keeps a worktree's lock as the file `worktrees/<id>/locked`, its
 * reason inside (gitrepository-layout(5)), which is what `git worktree lock` and `unlock` write
 * and delete. Written whole (a new file renamed over it), so a reader sees one reason or the
 * other. Called with the repository lock held, on worktrees Baton made; a step of each attempt
 * and park that way costs no process start.
 */
export function setLock(at: WorktreeAt, reason: string | null): void {
  const path = join(at.gitDir, 'locked');
  if (reason === null) {
    rmSync(path, { force: true });
    return;
  }
  const next = `${path}.baton-${process.pid}`;
  writeFileSync(next, `${reason}\n`);
  renameSync(next, path);
}

function lock(repo: Repository, dir: string, reason: string, opts: Cancellable) {
  return git(['worktree', 'lock', '--reason', reason, '--', dir], { cwd: repo.path, ...opts });
}
