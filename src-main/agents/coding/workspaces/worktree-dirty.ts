import { gitText } from './git.ts';
import type { Cancellable } from './repository.ts';
import { cancellable, openRepository } from './repository.ts';
import { inWorktree, openWorktree } from './worktree-open.ts';

export interface WorktreeDirtyInput extends Cancellable {
  repo: string;
  dir: string;
  /** The most paths named (default 20); `count` is always the whole number. */
  maxPaths?: number;
}

/**
 * What a worktree holds that is not committed on its branch (changed, staged, deleted, untracked;
 * ignored files left out, a nested repository's own changes too): what removing it would lose.
 * Read through the repository's record of the worktree, never its `.git` (worktree-open.ts).
 */
export async function worktreeDirty(input: WorktreeDirtyInput): Promise<{ count: number; paths: string[] }> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const at = inWorktree(openWorktree(repo, input.dir).at, c);
  const out = await gitText(
    ['status', '--porcelain=v1', '-z', '--untracked-files=normal', '--ignore-submodules=dirty'],
    { ...at, env: { GIT_OPTIONAL_LOCKS: '0' } },
  );
  const fields = out.split('\0');
  const paths: string[] = [];
  let count = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length < 4) continue;
    count++;
    if (paths.length < (input.maxPaths ?? 20)) paths.push(f.slice(3));
    if (f[0] === 'R' || f[0] === 'C') i++;
  }
  return { count, paths };
}
