import { statSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceError } from './errors.ts';
import { git, gitText } from './git.ts';
import type { Cancellable, Repository } from './repository.ts';

/** Where git runs: a repository or one of its worktrees. */
type At = Pick<Repository, 'path'> & Partial<Pick<Repository, 'commonDir'>>;

/** Branch names git accepted; asking again costs a process each time. */
const accepted = new Set<string>();

/**
 * Commits `requireCommit` found, by their whole id, per repository path: a commit does not change,
 * so asking git again (a process each time: an attempt's start, a best-of winner's) tells
 * nothing new. A short id is always asked (it may come to name another). A commit git since
 * removed (a gc of one no ref holds) is then refused by the git command that uses it.
 */
const seenCommits = new Set<string>();
const MAX_SEEN_COMMITS = 10_000;
const FULL_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/**
 * Whose commits `seenCommits` holds: the path and, for an opened repository, its object store's
 * folder as it is now (inode, birth time), so a repository made again at the same path starts
 * afresh; null (nothing kept) when that folder cannot be looked at or has no birth time.
 */
function commitsOwner(repo: At): string | null {
  if (!('commonDir' in repo) || typeof repo.commonDir !== 'string') return repo.path;
  try {
    const s = statSync(join(repo.commonDir, 'objects'));
    // Without a birth time (some file systems), an inode given again could not be told apart.
    return s.birthtimeMs > 0 ? `${repo.path}\0${s.dev}:${s.ino}:${s.birthtimeMs}` : null;
  } catch {
    return null;
  }
}

function keep(owner: string, commit: string): void {
  if (seenCommits.size >= MAX_SEEN_COMMITS) seenCommits.clear();
  seenCommits.add(`${owner}\0${commit.toLowerCase()}`);
}

/**
 * Refuses a branch name (field `field`) that git would refuse (`git check-ref-format`), and
 * names git accepts but that read as something else on a command line (`-x`, `HEAD`).
 * Returns its full ref, `refs/heads/<name>`: Baton passes full refs, never short names that
 * could also be a path or a tag.
 */
export async function checkBranchName(
  repo: Repository,
  name: string,
  field: string,
  opts: Cancellable = {},
): Promise<string> {
  const bad = (why: string) =>
    new WorkspaceError(
      'invalid_ref',
      `${field}: ${JSON.stringify(name)} is not a valid branch name (${why})`,
      {
        field,
        name,
      },
    );
  if (typeof name !== 'string' || name === '') throw bad('empty');
  if (accepted.has(name)) return `refs/heads/${name}`;
  if (name.startsWith('-')) throw bad('starts with "-"');
  if (name === 'HEAD' || name.startsWith('refs/')) throw bad('reserved by git');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\x00-\x1f\x7f]/.test(name)) throw bad('control character');
  const { exitCode } = await git(['check-ref-format', `refs/heads/${name}`], {
    cwd: repo.path,
    okExitCodes: [1],
    ...opts,
  });
  if (exitCode !== 0) throw bad('git check-ref-format refuses it');
  accepted.add(name);
  return `refs/heads/${name}`;
}

/** The commit a ref points at, or null when there is no such ref. */
export async function refTip(repo: At, ref: string, opts: Cancellable = {}): Promise<string | null> {
  const { stdout, exitCode } = await git(
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
    {
      cwd: repo.path,
      okExitCodes: [1],
      ...opts,
    },
  );
  return exitCode === 0 ? stdout.toString('utf8').trim() : null;
}

/** The tip of branch `name` (checked with `checkBranchName`); a clear error naming `field` when there is no such branch. */
export async function requireBranch(
  repo: Repository,
  name: string,
  field: string,
  opts: Cancellable = {},
): Promise<{ ref: string; tip: string }> {
  const ref = await checkBranchName(repo, name, field, opts);
  const tip = await refTip(repo, ref, opts);
  if (!tip) throw branchMissing(repo, name, field);
  return { ref, tip };
}

/** Tells `requireCommit` of a commit git just made in `repo` (`commit-tree`): it is not asked of again. */
export function rememberCommit(repo: At, commit: string): void {
  const owner = commitsOwner(repo);
  if (owner !== null && FULL_ID.test(commit)) keep(owner, commit);
}

/** A commit named by its id (field `field`): a clear error when the repository has no such commit. */
export async function requireCommit(
  repo: At,
  commit: string,
  field: string,
  opts: Cancellable = {},
): Promise<string> {
  if (!/^[0-9a-f]{4,64}$/i.test(commit)) {
    throw new WorkspaceError('invalid_ref', `${field}: ${JSON.stringify(commit)} is not a commit id`, {
      field,
    });
  }
  const owner = FULL_ID.test(commit) ? commitsOwner(repo) : null;
  if (owner !== null && seenCommits.has(`${owner}\0${commit.toLowerCase()}`)) return commit.toLowerCase();
  const tip = await refTip(repo, commit, opts);
  // Only a commit's own id: a tag's id names the commit it peels to, which `tip` is.
  if (tip && owner !== null && tip === commit.toLowerCase()) keep(owner, commit);
  if (!tip) {
    throw new WorkspaceError('commit_missing', `${field}: commit ${commit} is not in ${repo.path}`, {
      field,
      commit,
    });
  }
  return tip;
}

/** Where these full refs point, in one git process (refs that do not exist are not in the map). */
export async function readRefs(
  repo: At,
  refs: readonly string[],
  opts: Cancellable = {},
): Promise<Map<string, string>> {
  const out = await gitText(['for-each-ref', '--format=%(objectname) %(refname)', '--', ...refs], {
    cwd: repo.path,
    ...opts,
  });
  const wanted = new Set(refs);
  const tips = new Map<string, string>();
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    const ref = line.slice(space + 1);
    // A pattern also matches refs below it (`refs/heads/a` matches `refs/heads/a/b`): exact ones only.
    if (space > 0 && wanted.has(ref)) tips.set(ref, line.slice(0, space));
  }
  return tips;
}

/** A clear error naming `field` for a branch that does not exist. */
export function branchMissing(repo: At, name: string, field: string): WorkspaceError {
  return new WorkspaceError('branch_missing', `${field}: branch ${name} does not exist in ${repo.path}`, {
    field,
    branch: name,
  });
}

/** Whether `ancestor` is `commit` or one of its ancestors. */
export async function isAncestor(
  repo: At,
  ancestor: string,
  commit: string,
  opts: Cancellable = {},
): Promise<boolean> {
  const { exitCode } = await git(['merge-base', '--is-ancestor', ancestor, commit], {
    cwd: repo.path,
    okExitCodes: [1],
    ...opts,
  });
  return exitCode === 0;
}

/** Where Baton records the commit a task's branch started from: what its diff is taken against, kept across attempts. */
export function startRef(branchRef: string): string {
  return `refs/baton/start/${branchRef.slice('refs/heads/'.length)}`;
}

/** Points `ref` at `commit`; `expected` is what it must point at now (`''`: it must not exist; null: anything). */
export async function updateRef(
  repo: Repository,
  ref: string,
  commit: string,
  expected: string | null,
  reason: string,
  opts: Cancellable = {},
): Promise<void> {
  const args = ['update-ref', '-m', reason, ref, commit, ...(expected === null ? [] : [expected])];
  await git(args, { cwd: repo.path, retryOnLock: true, ...opts });
}

/** Deletes `ref` (and its reflog) if it exists. */
export async function deleteRef(repo: Repository, ref: string, opts: Cancellable = {}): Promise<void> {
  if ((await refTip(repo, ref, opts)) === null) return;
  await git(['update-ref', '-d', ref], { cwd: repo.path, retryOnLock: true, ...opts });
}
