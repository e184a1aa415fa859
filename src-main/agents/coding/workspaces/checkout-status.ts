import { git } from './git.ts';
import type { Cancellable } from './repository.ts';
import { cancellable, openRepository } from './repository.ts';

export interface CheckoutChangesInput extends Cancellable {
  /** The workspace's repository. */
  repo: string;
  /** The most paths named (default 20); `count` is always the whole number. */
  maxPaths?: number;
}

/** What the user's checkout holds that is not committed: a worktree made from a branch does not have it. */
export interface CheckoutChanges {
  /** Files changed, staged, deleted or untracked (a new folder counts once, as git names it). */
  count: number;
  /** The first of them, as `git status` orders them. */
  paths: string[];
}

/**
 * The uncommitted changes of the repository's own checkout (`git status`: staged, unstaged and
 * untracked, ignored files left out), read without touching it: no optional lock is taken, so
 * git does not rewrite the checkout's index as it looks. A bare repository has no checkout:
 * nothing.
 */
export async function checkoutChanges(input: CheckoutChangesInput): Promise<CheckoutChanges> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  if (repo.root === null) return { count: 0, paths: [] };
  const { stdout } = await git(['status', '--porcelain=v1', '-z', '--untracked-files=normal'], {
    cwd: repo.root,
    env: { GIT_OPTIONAL_LOCKS: '0' },
    maxOutputBytes: 4 * 1024 * 1024,
    overflow: 'truncate',
    ...c,
  });
  const max = input.maxPaths ?? 20;
  const fields = stdout.toString('utf8').split('\0');
  const paths: string[] = [];
  let count = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length < 4) continue;
    count++;
    if (paths.length < max) paths.push(f.slice(3));
    // A rename or copy is followed by the path it came from.
    if (f[0] === 'R' || f[0] === 'C') i++;
  }
  return { count, paths };
}
