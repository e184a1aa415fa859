import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { git } from './git.ts';
import type { Cancellable, Repository } from './repository.ts';

/**
 * Locks a worktree with `reason`, or unlocks it (null), by writing or deleting the `locked`
 * file of its git folder (`<common>/worktrees/<id>/locked`, gitrepository-layout(5)): what
 * `git worktree lock --reason` and `unlock` do, without a process each. An attempt in a parked
 * worktree locks and unlocks it four times; under load a git process costs 15-50 ms here. A
 * lock is replaced in one rename, so a Baton killed meanwhile leaves the old reason or the new
 * one, never a lock without its reason. Falls back to git when the worktree's `.git` file cannot
 * be read. Call with the repository lock held.
 */
export async function setWorktreeLock(
  repo: Repository,
  dir: string,
  reason: string | null,
  opts: Cancellable,
): Promise<void> {
  const admin = adminDir(dir);
  if (admin === null) {
    if (reason === null) await git(['worktree', 'unlock', '--', dir], { cwd: repo.path, ...opts });
    else await git(['worktree', 'lock', '--reason', reason, '--', dir], { cwd: repo.path, ...opts });
    return;
  }
  const file = join(admin, 'locked');
  if (reason === null) return rmSync(file, { force: true });
  const temp = `${file}.baton-${process.pid}`;
  writeFileSync(temp, reason);
  renameSync(temp, file);
}

/** The worktree's own git folder (`<common>/worktrees/<id>`), from its `.git` file; null if that is not one. */
export function adminDir(dir: string): string | null {
  try {
    const line = readFileSync(join(dir, '.git'), 'utf8').trim();
    return line.startsWith('gitdir: ') ? resolve(dir, line.slice('gitdir: '.length)) : null;
  } catch {
    return null;
  }
}
