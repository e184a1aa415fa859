import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceError } from './errors.ts';
import type { GitJail } from './git.ts';
import { git, gitText } from './git.ts';
import { rememberCommit } from './refs.ts';
import type { Cancellable } from './repository.ts';
import { cancellable, openRepository } from './repository.ts';
import { inWorktree, openWorktree } from './worktree-open.ts';

export interface Author {
  name: string;
  email: string;
}

export interface CommitLeftoversInput extends Cancellable {
  /** The workspace's repository, whose record of the worktree says which git folder it has (worktree-open.ts). */
  repo: string;
  /** The attempt's worktree. */
  dir: string;
  /** Names run, task and agent (the caller writes it). */
  message: string;
  /** Who the commit is by (the agent); the committer is always Baton. Default: Baton. */
  author?: Author;
  /** The branch the worktree must be on; refused if the agent switched away. */
  branch?: string;
  /**
   * The sandbox the commands reading the worktree's files run in, writing only the folders given
   * (`../attempt/git-jail.ts`): for a worktree whose agent still runs. Absent: as Baton.
   */
  jail?: ((writable: string[]) => GitJail) | undefined;
}

export interface LeftoversCommitted {
  /** Whether there was anything to commit. */
  committed: boolean;
  /** The worktree's HEAD after it: the attempt's result commit. */
  head: string;
  branch: string;
  /** What was found wrong in the worktree's link to its git folder and set right (worktree-open.ts), when anything was. */
  repaired?: string;
}

/**
 * Commits whatever the agent left in its worktree, tracked or new (`git add -A`; ignored
 * files stay out), on top of any commits the agent made itself. Nothing changed: no commit.
 * Refused, leaving the worktree as it is for a person to see: a folder that is not a
 * worktree of `repo`, a detached HEAD or another branch than `branch` (the agent rebased or
 * switched), files left unmerged (the agent's own merge stopped on a conflict).
 */
export async function commitLeftovers(input: CommitLeftoversInput): Promise<LeftoversCommitted> {
  const c = cancellable(input);
  const author = checkAuthor(input.author);
  const repo = await openRepository(input.repo, c);
  const { at: worktree, repaired } = openWorktree(repo, input.dir);
  const at = inWorktree(worktree, c);
  const note = repaired === null ? {} : { repaired };
  const [mergeHead = '', head = '', headTree = '', symbolic = ''] = (
    await gitText(
      [
        'rev-parse',
        '--path-format=absolute',
        '--git-path',
        'MERGE_HEAD',
        'HEAD^{commit}',
        'HEAD^{tree}',
        '--symbolic-full-name',
        'HEAD',
      ],
      at,
    )
  ).split('\n');
  rememberCommit(repo, head);
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
  // Every entry of the index (~100 bytes each: 2 MB for 20,000 files), to find the unmerged and the submodules.
  const { unmerged, gitlinks } = indexEntries(
    await gitText(['ls-files', '--stage', '-z'], { ...at, maxOutputBytes: 1024 * 1024 * 1024 }),
  );
  if (unmerged.length > 0) {
    const files = [...new Set(unmerged)];
    throw new WorkspaceError(
      'unmerged_files',
      `dir: the worktree ${input.dir} has unmerged files (${files.slice(0, 5).join(', ')}); nothing was committed`,
      { field: 'dir', files },
    );
  }
  // A submodule (a repository the agent nested in its worktree and Baton committed, or a real
  // one it checked out) is left out of `add`, which would run `git status` inside it, whose config
  // the agent wrote (its filters would run); its commit is staged from its HEAD without looking in.
  const jail = input.jail?.([worktree.dir, worktree.commonDir]);
  await git(['add', '--all', '--', '.', ...gitlinks.map((p) => `:(exclude,literal)${p}`)], {
    ...at,
    jail,
    retryOnLock: true,
  });
  if (gitlinks.length > 0)
    await git(['update-index', '--add', '--remove', '--', ...gitlinks], { ...at, jail, retryOnLock: true });
  await dropOutsideRepositories(input.dir, at, jail);
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
    const merged = await gitText(['rev-parse', '--verify', 'HEAD'], at);
    rememberCommit(repo, merged);
    return { committed: true, head: merged, branch, ...note };
  }
  // Plumbing rather than `git commit`, which would look at every file again: in a worktree
  // checked out a moment ago, every file is "racily clean" and read again (~0.3 s for 20,000).
  const tree = await gitText(['write-tree'], { ...at, retryOnLock: true });
  if (tree === headTree) return { committed: false, head, branch, ...note };
  const commit = await gitText(['commit-tree', tree, '-p', head, '-F', '-'], { ...at, input: message, env });
  rememberCommit(repo, commit);
  const subject = message.split('\n')[0];
  await git(['update-ref', '-m', `commit: ${subject}`, 'HEAD', commit, head], { ...at, retryOnLock: true });
  return { committed: true, head: commit, branch, ...note };
}

/**
 * A folder the agent made whose `.git` is not a folder of its own (a `gitdir:` file, or a link)
 * names a repository elsewhere: `add` staged it as a submodule at that repository's HEAD, which
 * the agent could then read back from its branch — whether a repository exists at a path its
 * sandbox hides, and its commit. Such entries added now are taken out of the index again.
 */
async function dropOutsideRepositories(
  dir: string,
  at: Parameters<typeof gitText>[1],
  jail: GitJail | undefined,
): Promise<void> {
  const added = await gitText(['diff-index', '--cached', '--diff-filter=A', '-z', 'HEAD'], at);
  // `:<old mode> <new mode> <old> <new> <status>` NUL `<path>` NUL, for each entry added.
  const fields = added.split('\0');
  const outside: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const path = fields[i + 1]!;
    if (!fields[i]!.startsWith(':000000 160000 ')) continue;
    let own = false;
    try {
      own = lstatSync(join(dir, path, '.git')).isDirectory();
    } catch {
      // Gone, or not readable: not a repository of its own.
    }
    if (!own) outside.push(path);
  }
  if (outside.length > 0)
    await git(['update-index', '--force-remove', '--', ...outside], { ...at, jail, retryOnLock: true });
}

/** Paths of `git ls-files --stage -z` (`<mode> <object> <stage>\t<path>` NUL): those unmerged (a stage other than 0, once per stage), and the submodules (mode 160000). */
function indexEntries(out: string): { unmerged: string[]; gitlinks: string[] } {
  const unmerged: string[] = [];
  const gitlinks: string[] = [];
  for (const entry of out.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [mode, , stage] = entry.slice(0, tab).split(' ');
    const path = entry.slice(tab + 1);
    if (stage !== '0') unmerged.push(path);
    else if (mode === '160000') gitlinks.push(path);
  }
  return { unmerged, gitlinks };
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
