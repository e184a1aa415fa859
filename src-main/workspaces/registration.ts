import { realpathSync } from 'node:fs';
import { WorkspaceError } from './errors.ts';
import { gitText } from './git.ts';
import { requireBranch } from './refs.ts';
import type { Cancellable } from './repository.ts';
import { openRepository } from './repository.ts';

/** A repository as a workspace registers it: its real top folder and the branch tasks start from. */
export interface RegisteredRepository {
  path: string;
  base_branch: string;
}

/**
 * Checks a folder a person registers as a workspace: a git repository's top folder (or a bare
 * repository), and `baseBranch` one of its branches; without it, the branch checked out there.
 * Errors name the field (`path`, `base_branch`).
 */
export async function inspectRepository(
  path: string,
  baseBranch: string | undefined,
  opts: Cancellable = {},
): Promise<RegisteredRepository> {
  let repo: Awaited<ReturnType<typeof openRepository>>;
  try {
    repo = await openRepository(path, opts);
  } catch (err) {
    if (err instanceof WorkspaceError && err.reason !== 'git_too_old')
      throw new WorkspaceError(err.reason, err.message.replace(/^repo: /, 'path: '), { field: 'path' });
    throw err;
  }
  let base = baseBranch;
  if (base === undefined) {
    const current = (
      await gitText(['symbolic-ref', '--quiet', '--short', 'HEAD'], {
        cwd: repo.path,
        okExitCodes: [1],
        ...opts,
      })
    ).trim();
    if (current === '')
      throw new WorkspaceError(
        'branch_missing',
        `base_branch: ${path} has no branch checked out (a detached HEAD); name the branch tasks start from`,
        { field: 'base_branch' },
      );
    base = current;
  }
  await requireBranch(repo, base, 'base_branch', opts);
  return { path: repo.root ?? realpathSync(path), base_branch: base };
}
