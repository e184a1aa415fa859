/**
 * Operations that change a repository's shared state (worktree add/remove/prune, branch and
 * ref updates, merges) run one at a time per repository in this process: each waits for the
 * one before it. Keyed by the real path of the repository's common git folder, so a
 * repository reached through a symbolic link, a subfolder or one of its worktrees is one key.
 *
 * This orders Baton's own work. Another process (the user's git, an agent's git, a second
 * Baton) is met by git's own lock files, which `git()` retries on (`retryOnLock`).
 */
const tails = new Map<string, Promise<void>>();

export async function withRepoLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = before.then(() => mine);
  tails.set(key, tail);
  await before;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}

/** How many repositories have work queued or running (for tests: none once all is done). */
export function lockedRepositories(): number {
  return tails.size;
}
