import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitText } from '../workspaces/git.ts';

/** A rebase Baton tried itself: its commit when it went through, else the files it stopped on. */
export type RebaseTried = { ok: true; commit: string } | { ok: false; files: string[] };

/** Whether `commit` is in `of`'s history. */
export async function isAncestorOf(repo: string, commit: string, of: string): Promise<boolean> {
  const r = await git(['merge-base', '--is-ancestor', commit, of], { cwd: repo, okExitCodes: [0, 1] });
  return r.exitCode === 0;
}

/**
 * Rebases `head` on `onto` with real git in a worktree of its own (detached, in a temporary
 * folder, removed after): the commit it made when the rebase went through, else the files it
 * conflicts in (the rebase aborted). The task's branch and worktree are not touched: what this
 * makes is a commit, pushed or not by the caller, and kept under `keep` (a ref of Baton's) so it
 * stays in the repository until then.
 */
export async function tryRebase(input: {
  repo: string;
  head: string;
  onto: string;
  keep: string;
}): Promise<RebaseTried> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-rebase-'));
  const tree = join(dir, 'tree');
  try {
    await git(['worktree', 'add', '--quiet', '--detach', '--', tree, input.head], {
      cwd: input.repo,
      retryOnLock: true,
    });
    const rebased = await git(['rebase', '--quiet', '--no-autostash', input.onto], {
      cwd: tree,
      okExitCodes: [1],
    });
    if (rebased.exitCode !== 0) {
      const files = (await gitText(['diff', '--name-only', '--diff-filter=U'], { cwd: tree }))
        .split('\n')
        .filter(Boolean);
      await git(['rebase', '--abort'], { cwd: tree, okExitCodes: [0, 1, 128] });
      return { ok: false, files };
    }
    const commit = await gitText(['rev-parse', '--verify', 'HEAD'], { cwd: tree });
    await git(['update-ref', input.keep, commit], { cwd: input.repo, retryOnLock: true });
    return { ok: true, commit };
  } finally {
    await git(['worktree', 'remove', '--force', '--', tree], {
      cwd: input.repo,
      okExitCodes: [0, 128],
    }).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}
