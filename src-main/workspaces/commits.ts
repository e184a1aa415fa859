import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { WorkspaceError } from './errors.ts';
import { firstLines, GitError, git, gitText } from './git.ts';
import type { Cancellable } from './repository.ts';
import { cancellable } from './repository.ts';

export interface Author {
  name: string;
  email: string;
}

export interface CommitLeftoversInput extends Cancellable {
  /** The attempt's worktree. */
  dir: string;
  /** Names run, task and agent (the caller writes it). */
  message: string;
  /** Who the commit is by (the agent); the committer is always Baton. Default: Baton. */
  author?: Author;
  /** The branch the worktree must be on; refused if the agent switched away. */
  branch?: string;
}

export interface LeftoversCommitted {
  /** Whether there was anything to commit. */
  committed: boolean;
  /** The worktree's HEAD after it: the attempt's result commit. */
  head: string;
  branch: string;
}

/**
 * Commits whatever the agent left in its worktree, tracked or new (`git add -A`; ignored
 * files stay out), on top of any commits the agent made itself. Nothing changed: no commit.
 * Refused, leaving the worktree as it is for a person to see: a folder that is not a
 * worktree's top, a detached HEAD or another branch than `branch` (the agent rebased or
 * switched), files left unmerged (the agent's own merge stopped on a conflict).
 */
export async function commitLeftovers(input: CommitLeftoversInput): Promise<LeftoversCommitted> {
  const c = cancellable(input);
  const [dir, mergeHead = '', head = '', headTree = '', symbolic = ''] = await worktreeTop(input.dir, c, [
    '--path-format=absolute',
    '--git-path',
    'MERGE_HEAD',
    'HEAD^{commit}',
    'HEAD^{tree}',
    '--symbolic-full-name',
    'HEAD',
  ]);
  const at = { cwd: dir, ...c };
  const author = checkAuthor(input.author);
  if (!symbolic.startsWith('refs/heads/')) {
    throw new WorkspaceError(
      'head_detached',
      `dir: the worktree ${input.dir} has a detached HEAD (a rebase or checkout the agent left?); nothing was committed`,
      { field: 'dir' },
    );
  }
  const branch = symbolic.slice('refs/heads/'.length);
  if (input.branch !== undefined && branch !== input.branch) {
    throw new WorkspaceError(
      'wrong_branch',
      `dir: the worktree ${input.dir} is on branch ${branch}, not ${input.branch}; nothing was committed`,
      { field: 'dir', branch },
    );
  }
  const unmerged = await gitText(['ls-files', '--unmerged', '-z'], at);
  if (unmerged !== '') {
    const files = [
      ...new Set(
        unmerged
          .split('\0')
          .filter(Boolean)
          .map((l) => l.slice(l.indexOf('\t') + 1)),
      ),
    ];
    throw new WorkspaceError(
      'unmerged_files',
      `dir: the worktree ${input.dir} has unmerged files (${files.slice(0, 5).join(', ')}); nothing was committed`,
      { field: 'dir', files },
    );
  }
  await git(['add', '--all', '--', '.'], { ...at, retryOnLock: true });
  const env: Record<string, string> = author
    ? { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email }
    : {};
  const message = `${input.message.trim() || 'Baton: what the agent left'}\n`;
  if (existsSync(mergeHead)) {
    // The agent's own merge, resolved but not concluded: `git commit` concludes it as git would.
    await git(['commit', '--quiet', '--no-verify', '--cleanup=whitespace', '-F', '-'], {
      ...at,
      input: message,
      retryOnLock: true,
      env,
    });
    return { committed: true, head: await gitText(['rev-parse', '--verify', 'HEAD'], at), branch };
  }
  // Plumbing rather than `git commit`, which would look at every file again: in a worktree
  // checked out a moment ago, every file is "racily clean" and read again (~0.3 s for 20,000).
  const tree = await gitText(['write-tree'], { ...at, retryOnLock: true });
  if (tree === headTree) return { committed: false, head, branch };
  const commit = await gitText(['commit-tree', tree, '-p', head, '-F', '-'], { ...at, input: message, env });
  const subject = message.split('\n')[0];
  await git(['update-ref', '-m', `commit: ${subject}`, 'HEAD', commit, head], { ...at, retryOnLock: true });
  return { committed: true, head: commit, branch };
}

/**
 * The real path of `dir`, which must be the top folder of a git working tree (not any folder
 * inside one), and what `revs` say there (`git rev-parse --show-toplevel <revs>`, one line each).
 */
export async function worktreeTop(
  dir: string,
  opts: Cancellable,
  revs: string[] = [],
): Promise<[string, ...(string | undefined)[]]> {
  if (!isAbsolute(dir)) {
    throw new WorkspaceError('invalid_path', `dir: ${dir} is not an absolute path`, { field: 'dir' });
  }
  let real: string;
  let top: string;
  let answers: string[];
  try {
    real = realpathSync(dir);
    const out = await gitText(['rev-parse', '--show-toplevel', ...revs], { cwd: real, ...opts });
    [top = '', ...answers] = out.split('\n');
    top = realpathSync(top);
  } catch (e) {
    if (e instanceof GitError && e.failure !== 'failed') throw e;
    const why = e instanceof GitError ? firstLines(e.stderr, 1) : 'it does not exist';
    throw new WorkspaceError('not_a_worktree', `dir: ${dir} is not a git worktree (${why})`, {
      field: 'dir',
    });
  }
  if (top !== real) {
    throw new WorkspaceError(
      'not_a_worktree',
      `dir: ${dir} is inside the worktree ${top}, not its top folder`,
      { field: 'dir' },
    );
  }
  return [real, ...answers];
}

function checkAuthor(author: Author | undefined): Author | undefined {
  if (!author) return undefined;
  for (const key of ['name', 'email'] as const) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    if (typeof author[key] !== 'string' || author[key].trim() === '' || /[<>\x00-\x1f]/.test(author[key])) {
      throw new WorkspaceError(
        'invalid_author',
        `author.${key}: ${JSON.stringify(author[key])} cannot be a commit author's ${key}`,
        {
          field: `author.${key}`,
        },
      );
    }
  }
  return author;
}
