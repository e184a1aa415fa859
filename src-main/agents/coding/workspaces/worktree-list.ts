import { existsSync } from 'node:fs';
import { gitText } from './git.ts';
import type { Cancellable, Repository } from './repository.ts';
import { realTarget } from './repository.ts';

/** One worktree of a repository, from `git worktree list --porcelain -z`. */
export interface WorktreeEntry {
  /** Real path of its folder (as `realTarget` gives it, so it compares with a `dir`). */
  path: string;
  /** The commit checked out; null in a bare repository's own entry. */
  head: string | null;
  /** The branch checked out (`baton/r1/build`), null when detached or bare. */
  branch: string | null;
  /** The repository's own working tree (or bare folder), which Baton never removes. */
  main: boolean;
  /** Why it is locked (`''` when no reason was given), null when it is not. */
  locked: string | null;
  /**
   * Its folder is gone (git would prune it, unless it is locked), or git's record of it is
   * broken. A folder that is there but has lost its `.git` is not missing: that file is the
   * agent's to break, and Baton puts it back (worktree-open.ts).
   */
  missing: boolean;
}

/** Baton's reason for locking a worktree while it prepares it: one locked with it and found later was never finished. */
export const PREPARING = 'baton: preparing';
/** Baton's reason for locking a worktree kept for a later attempt (worktree-park.ts). */
export const PARKED = 'baton: parked';

/** git's reason to prune a worktree whose `.git` is not there (its folder may be). */
const GITDIR_GONE = 'gitdir file points to non-existent location';

export async function listWorktrees(repo: Repository, opts: Cancellable = {}): Promise<WorktreeEntry[]> {
  const out = await gitText(['worktree', 'list', '--porcelain', '-z'], { cwd: repo.path, ...opts });
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const field of out.split('\0')) {
    if (field === '') {
      if (current) entries.push(current);
      current = null;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      current = {
        path: realTarget(value),
        head: null,
        branch: null,
        main: entries.length === 0,
        locked: null,
        missing: !existsSync(value),
      };
      continue;
    }
    if (!current) continue;
    if (key === 'HEAD') current.head = value;
    else if (key === 'branch') current.branch = value.replace(/^refs\/heads\//, '');
    else if (key === 'locked') current.locked = value;
    else if (key === 'prunable' && !(value === GITDIR_GONE && existsSync(current.path)))
      current.missing = true;
  }
  if (current) entries.push(current);
  return entries;
}
