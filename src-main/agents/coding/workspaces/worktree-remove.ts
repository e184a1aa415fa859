import { existsSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { dropCheckpoints } from './checkpoints.ts';
import { WorkspaceError } from './errors.ts';
import { git, traceWork } from './git.ts';
import { deleteRef, refTip, startRef } from './refs.ts';
import { withRepoLock } from './repo-lock.ts';
import type { Cancellable, Repository } from './repository.ts';
import { cancellable, isInside, openRepository, realTarget } from './repository.ts';
import type { WorktreeEntry } from './worktree-list.ts';
import { listWorktrees, PREPARING } from './worktree-list.ts';
import { recordedGitDir, repairGitLink, repairGitLinks } from './worktree-open.ts';

/** What dropping a worktree left to do: a folder of its files to delete, outside the repository lock. */
export interface Dropped {
  branchDeleted: boolean;
  trash: string | null;
}

/**
 * Takes one worktree away: git's record of it and its folder, with whatever is in it
 * (`--force` twice: changes and a lock do not stop it). A worktree whose folder is already
 * gone only loses the record (`git worktree prune`, which also clears records of any other
 * unlocked worktree whose folder is gone). Its branch stays unless `deleteBranch`; a branch
 * whose preparation never finished (locked "baton: preparing", no start recorded) is Baton's
 * half-made one and goes with it. Call with the repository lock held, then `deleteTrash`.
 *
 * Deleting 20,000 files takes a while (~0.3-1 s); the repository lock is not held for it: the
 * worktree's files are first moved into a sibling folder (a rename per top-level entry, on
 * the same filesystem), so `git worktree remove` finds an almost empty worktree.
 */
export async function dropWorktree(
  repo: Repository,
  entry: WorktreeEntry,
  deleteBranch: boolean,
  opts: Cancellable,
): Promise<Dropped> {
  let trash: string | null = null;
  if (entry.missing) {
    if (entry.locked !== null)
      await git(['worktree', 'unlock', '--', entry.path], { cwd: repo.path, ...opts });
    await pruneRecords(repo, opts);
  } else {
    // git checks `.git` before it removes a worktree: whatever an agent made of it is put right.
    const gitDir = recordedGitDir(repo, entry.path);
    if (gitDir !== null) repairGitLink({ dir: entry.path, gitDir, commonDir: repo.commonDir });
    trash = moveFilesAside(entry.path);
    await git(['worktree', 'remove', '--force', '--force', '--', entry.path], {
      cwd: repo.path,
      retryOnLock: true,
      ...opts,
    });
  }
  if (!entry.branch) return { branchDeleted: false, trash };
  const ref = `refs/heads/${entry.branch}`;
  const unfinished = entry.locked === PREPARING && (await refTip(repo, startRef(ref), opts)) === null;
  if (!deleteBranch && !unfinished) return { branchDeleted: false, trash };
  await deleteRef(repo, ref, opts);
  await deleteRef(repo, startRef(ref), opts);
  await dropCheckpoints(repo, entry.branch, opts);
  return { branchDeleted: true, trash };
}

/**
 * `git worktree prune --verbose` (records of worktrees whose folders are gone), with the
 * repository lock held. Worktrees whose folders are there get their `.git` back first: git would
 * prune a record whose `.git` is gone.
 */
export function pruneRecords(repo: Repository, opts: Cancellable) {
  repairGitLinks(repo);
  return git(['worktree', 'prune', '--verbose'], { cwd: repo.path, retryOnLock: true, ...opts });
}

/** Moves everything but `.git` out of a worktree into a new hidden sibling folder; null if nothing could be moved. */
function moveFilesAside(dir: string): string | null {
  try {
    const trash = mkdtempSync(join(dirname(dir), `.${basename(dir)}.baton-removing-`));
    for (const name of readdirSync(dir)) {
      if (name !== '.git') renameSync(join(dir, name), join(trash, name));
    }
    return trash;
  } catch {
    return null; // git's remove deletes what is left
  }
}

/** Deletes what `dropWorktree` moved aside; never fails (a folder left behind is named by the next prune). */
export async function deleteTrash(trash: string | null): Promise<void> {
  if (!trash) return;
  const started = performance.now();
  await rm(trash, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  traceWork(`rm -rf ${trash}`, started);
}

export interface RemoveWorktreeInput extends Cancellable {
  repo: string;
  dir: string;
  /** Also delete its branch (default: kept, it is the task's result). */
  deleteBranch?: boolean;
}

export interface RemovedWorktree {
  /** False when there was nothing to remove (already gone). */
  removed: boolean;
  /** The branch it had checked out. */
  branch: string | null;
  branchDeleted: boolean;
}

/** Removes the worktree at `dir`, changes and all; a `dir` already gone is not an error. */
export async function removeWorktree(input: RemoveWorktreeInput): Promise<RemovedWorktree> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  if (!isAbsolute(input.dir)) {
    throw new WorkspaceError('invalid_path', `dir: ${input.dir} is not an absolute path`, { field: 'dir' });
  }
  const dir = realTarget(input.dir);
  const { result, trash } = await withRepoLock(repo.commonDir, async () => {
    const entry = (await listWorktrees(repo, c)).find((e) => e.path === dir);
    if (entry?.main) {
      throw new WorkspaceError(
        'not_a_worktree',
        `dir: ${input.dir} is the repository's own working tree, not a worktree Baton made`,
        {
          field: 'dir',
        },
      );
    }
    if (!entry) {
      if (existsSync(dir) && readdirSync(dir).length > 0) {
        throw new WorkspaceError(
          'not_a_worktree',
          `dir: ${input.dir} is not a worktree of ${repo.path}; Baton removes only its worktrees`,
          {
            field: 'dir',
          },
        );
      }
      return { result: { removed: false, branch: null, branchDeleted: false }, trash: null };
    }
    const dropped = await dropWorktree(repo, entry, input.deleteBranch ?? false, c);
    return {
      result: { removed: true, branch: entry.branch, branchDeleted: dropped.branchDeleted },
      trash: dropped.trash,
    };
  });
  await deleteTrash(trash);
  return result;
}

export interface PruneWorktreesInput extends Cancellable {
  repo: string;
  /** The folder Baton makes this repository's worktrees in: only worktrees inside it are removed. */
  root: string;
  /** Worktrees to leave (a failed or waiting task's, one a person kept). */
  keep?: readonly string[];
  /** Also delete the removed worktrees' branches (default: kept, they are the results). */
  deleteBranches?: boolean;
}

export interface PrunedWorktrees {
  removed: { dir: string; branch: string | null; branchDeleted: boolean }[];
  /** What `git worktree prune` said it cleared: records of worktrees whose folders were gone. */
  pruned: string[];
}

/** Removes Baton's worktrees under `root` but those in `keep`, then lets git clear records of folders that are gone. */
export async function pruneWorktrees(input: PruneWorktreesInput): Promise<PrunedWorktrees> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  if (!isAbsolute(input.root)) {
    throw new WorkspaceError('invalid_path', `root: ${input.root} is not an absolute path`, {
      field: 'root',
    });
  }
  const root = realTarget(input.root);
  for (const held of [repo.root, repo.commonDir]) {
    if (held && isInside(held, root)) {
      throw new WorkspaceError(
        'invalid_path',
        `root: ${input.root} holds the repository itself; give the folder Baton keeps worktrees in`,
        {
          field: 'root',
        },
      );
    }
  }
  const keep = new Set((input.keep ?? []).map((k) => realTarget(k)));
  const trash: (string | null)[] = [];
  const pruned = await withRepoLock(repo.commonDir, async () => {
    const removed: PrunedWorktrees['removed'] = [];
    for (const entry of await listWorktrees(repo, c)) {
      if (entry.main || entry.path === root || !isInside(entry.path, root) || keep.has(entry.path)) continue;
      const dropped = await dropWorktree(repo, entry, input.deleteBranches ?? false, c);
      trash.push(dropped.trash);
      removed.push({ dir: entry.path, branch: entry.branch, branchDeleted: dropped.branchDeleted });
    }
    const { stderr } = await pruneRecords(repo, c);
    const pruned = stderr
      .split('\n')
      .map((l) => /^Removing (.+?):/.exec(l)?.[1])
      .filter((l): l is string => l !== undefined);
    return { removed, pruned };
  });
  for (const t of trash) await deleteTrash(t);
  return pruned;
}
