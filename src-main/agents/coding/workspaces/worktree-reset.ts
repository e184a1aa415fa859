import { WorkspaceError } from './errors.ts';
import { git, gitText } from './git.ts';
import { checkBranchName, requireCommit } from './refs.ts';
import { withRepoLock } from './repo-lock.ts';
import type { Cancellable } from './repository.ts';
import { cancellable, openRepository } from './repository.ts';
import { inWorktree, openWorktree } from './worktree-open.ts';
import { scrubTaken } from './worktree-pool.ts';

export interface ResetWorktreeInput extends Cancellable {
  repo: string;
  /** A task's worktree, on `branch`. */
  dir: string;
  branch: string;
  /** Where the branch goes back to: the task's start commit. */
  to: string;
  /** Ignored paths kept (a workspace's `keep_ignored`); everything else not in `to` goes. */
  keepIgnored?: readonly string[];
  /**
   * False when the worktree holds nothing but tracked files already (it was just prepared, which
   * wiped it): only the tracked files that differ are written, no walk for untracked ones.
   */
  scrub?: boolean;
}

/**
 * Starts a task's worktree over: its branch goes back to `to` (its start) and the worktree holds
 * `to`'s files and nothing else but the ignored paths kept, as a new worktree would. What earlier
 * attempts committed on the branch is no longer on it (a person asked to start clean). Refused,
 * touching nothing, when the worktree is not on `branch`.
 */
export async function resetWorktree(input: ResetWorktreeInput): Promise<{ was: string }> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const ref = await checkBranchName(repo, input.branch, 'branch', c);
  const to = await requireCommit(repo, input.to, 'to', c);
  const { at } = openWorktree(repo, input.dir);
  const g = inWorktree(at, c);
  const was = await withRepoLock(repo.commonDir, async () => {
    const [head = '', symbolic = ''] = (
      await gitText(['rev-parse', 'HEAD^{commit}', '--symbolic-full-name', 'HEAD'], g)
    ).split('\n');
    if (symbolic !== ref)
      throw new WorkspaceError(
        'wrong_branch',
        `dir: the worktree ${input.dir} is not on branch ${input.branch} (${symbolic || 'a detached HEAD'}); it was not reset`,
        { field: 'dir' },
      );
    await git(['update-ref', '-m', 'baton: start clean', ref, to, head], { ...g, retryOnLock: true });
    return head;
  });
  await git(['read-tree', '--reset', '-u', 'HEAD'], { ...g, retryOnLock: true });
  if (input.scrub !== false) await scrubTaken(at, input.keepIgnored ?? [], c);
  return { was };
}
