import { existsSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * What is wrong with a registered repository on disk, in a few words that do not repeat its
 * path ("its folder is gone (deleted or moved)"), or null when it is there: its
 * folder gone (deleted, moved, a disk not mounted), or no longer a git repository (no `.git`;
 * for a bare one, no `HEAD` and `objects`). The file system only, no git process: cheap enough
 * for every list and every run start.
 */
export function repositoryMissing(path: string): string | null {
  let folder: boolean;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    return 'its folder is gone (deleted or moved)';
  }
  if (!folder) return 'it is not a folder any more';
  const repository =
    existsSync(join(path, '.git')) || (existsSync(join(path, 'HEAD')) && existsSync(join(path, 'objects')));
  return repository ? null : 'its folder is no longer a git repository (no .git)';
}

/** What a folder a person is about to register is: its top folder, its current branch and its origin. */
export interface RepositoryLook {
  path: string;
  /** The branch checked out there (null: a detached HEAD, or a bare repository without one). */
  branch: string | null;
  /** `remote.origin.url` (null: no origin). */
  origin: string | null;
}

/**
 * Looks at a folder before it is registered (the add form fills itself from it): a git
 * repository's top folder, the branch checked out, the origin's URL. Not one is a `WorkspaceError`
 * naming `path`, as registering it would be.
 */
export async function lookAtRepository(path: string, opts: Cancellable = {}): Promise<RepositoryLook> {
  let repo: Awaited<ReturnType<typeof openRepository>>;
  try {
    repo = await openRepository(path, opts);
  } catch (err) {
    if (err instanceof WorkspaceError && err.reason !== 'git_too_old')
      throw new WorkspaceError(err.reason, err.message.replace(/^repo: /, 'path: '), { field: 'path' });
    throw err;
  }
  const top = repo.root ?? realpathSync(path);
  const [branch, origin] = await Promise.all([
    gitText(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: top, okExitCodes: [1], ...opts }),
    gitText(['config', '--get', 'remote.origin.url'], { cwd: top, okExitCodes: [1], ...opts }),
  ]);
  return { path: top, branch: branch.trim() || null, origin: origin.trim() || null };
}
