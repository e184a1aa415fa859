import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { WorkspaceError } from './errors.ts';
import { firstLines, GitError, gitText } from './git.ts';

/** Where every operation of this room may be stopped. */
export interface Cancellable {
  signal?: AbortSignal;
  /** For each git command (default 120 s). */
  timeoutMs?: number;
}

/** Only what `git()` should see of a call's input: never its other fields. */
export function cancellable(input: Cancellable): Cancellable {
  return { signal: input.signal, timeoutMs: input.timeoutMs };
}

/** A git repository that a workspace names, as git sees it. */
export interface Repository {
  /** The path the caller gave, made absolute. */
  path: string;
  /** Real path of the working tree's top folder (the user's checkout); null for a bare repository. */
  root: string | null;
  /** Real path of the git folder every worktree shares: the key of the repository lock. */
  commonDir: string;
}

/** `merge-tree --write-tree` (2.38) is how Baton merges without touching a working tree. */
const MIN_GIT: readonly [number, number] = [2, 38];
let versionChecked: Promise<void> | null = null;

/** Refuses a git older than 2.38, once per process; a missing git is a clear error too. */
export function requireGit(opts: Cancellable = {}): Promise<void> {
  versionChecked ??= (async () => {
    const text = await gitText(['version'], { cwd: process.cwd(), ...opts });
    const m = /(\d+)\.(\d+)/.exec(text);
    const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    if (major < MIN_GIT[0] || (major === MIN_GIT[0] && minor < MIN_GIT[1])) {
      throw new WorkspaceError(
        'git_too_old',
        `workspaces need git ${MIN_GIT.join('.')} or newer (Baton merges branches with \`git merge-tree --write-tree\`); found ${text}`,
      );
    }
  })();
  versionChecked.catch(() => {
    versionChecked = null; // ask again next time: git may have been installed meanwhile
  });
  return versionChecked;
}

/**
 * Opens the repository at `path` (field `repo`): it must be a git repository's top folder (or
 * a bare repository), not a folder somewhere inside one, so that a workspace registered at
 * the wrong place (a home folder that happens to be in a repository) is refused.
 */
export async function openRepository(path: string, opts: Cancellable = {}): Promise<Repository> {
  await requireGit(opts);
  if (!isAbsolute(path)) {
    throw new WorkspaceError('invalid_path', `repo: ${path} is not an absolute path`, { field: 'repo' });
  }
  const known = opened.get(path);
  if (known && known.stamp === stampOf(path, known.repo)) return { ...known.repo };
  const repo = await askGit(path, opts);
  const stamp = stampOf(path, repo);
  if (stamp !== null) {
    if (opened.size >= MAX_OPENED) opened.clear();
    opened.set(path, { repo: { ...repo }, stamp });
  }
  return repo;
}

/**
 * Repositories already asked about, by path: each operation on a workspace opens its repository
 * (a best-of-8 attempt opened it ~60 times, a git process each), and the answer holds while the
 * folder, its `.git` entry, the git folder and its objects are the same ones (inode and birth
 * time: a folder removed and made again may get the same inode; and the `.git` file's time: a
 * linked worktree's pointer rewritten). Anything else is asked again.
 */
const opened = new Map<string, { repo: Repository; stamp: string }>();
const MAX_OPENED = 256;

/** What a repository's answer depends on, or null when a part cannot be read. */
function stampOf(path: string, repo: Repository): string | null {
  try {
    const at = (p: string) => {
      const s = lstatSync(p);
      return `${s.dev}:${s.ino}:${s.birthtimeMs}:${s.isFile() ? s.mtimeMs : ''}`;
    };
    return [
      at(path),
      repo.root === null ? '' : at(join(path, '.git')),
      at(repo.commonDir),
      at(join(repo.commonDir, 'objects')),
    ].join('|');
  } catch {
    return null;
  }
}

async function askGit(path: string, opts: Cancellable): Promise<Repository> {
  let lines: string[];
  try {
    const out = await gitText(
      [
        'rev-parse',
        '--path-format=absolute',
        '--git-common-dir',
        '--is-bare-repository',
        '--git-dir',
        '--is-inside-work-tree',
        '--show-prefix',
      ],
      { cwd: path, ...opts },
    );
    lines = out.split('\n');
  } catch (e) {
    if (e instanceof GitError && e.failure === 'failed') {
      throw new WorkspaceError(
        'not_a_repository',
        `repo: ${path} is not a git repository (${firstLines(e.stderr, 1) || e.message})`,
        { field: 'repo', path },
      );
    }
    throw e;
  }
  const [commonDir = '', bare = '', gitDir = '', inWorkTree = '', prefix = ''] = lines;
  const common = realpathSync(commonDir);
  const notRoot = (what: string) =>
    new WorkspaceError('not_repository_root', `repo: ${path} is inside ${what}, not its top folder`, {
      field: 'repo',
      path,
    });
  if (bare === 'true') {
    if (realpathSync(gitDir) !== realpathSync(path)) throw notRoot(`the bare repository ${common}`);
    return { path, root: null, commonDir: common };
  }
  if (inWorkTree !== 'true') throw notRoot(`the git folder ${common}`);
  if (prefix !== '') {
    const top = await gitText(['rev-parse', '--show-toplevel'], { cwd: path, ...opts });
    throw notRoot(`the git repository ${realpathSync(top)}`);
  }
  const top = realpathSync(path);
  return { path, root: top, commonDir: common };
}

/**
 * The real path `dir` has or will have: the real path of its deepest existing folder, with
 * the rest appended (so `/tmp/x` and `/private/tmp/x` compare equal on macOS).
 */
export function realTarget(dir: string): string {
  const rest: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      return resolve(realpathSync(at), ...rest.reverse());
    } catch {
      const up = dirname(at);
      if (up === at) return resolve(dir);
      rest.push(basename(at));
      at = up;
    }
  }
}

/** Whether `child` is `parent` or inside it (both real, absolute paths). */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * A worktree folder (field `dir`) for `repo`: absolute, and neither inside the repository's
 * main working tree (git would see it as untracked files of the user's checkout, and
 * `git add -A` there would take it in) nor inside its git folder. Returns its real path.
 */
export function checkWorktreeDir(repo: Repository, dir: string): string {
  if (!isAbsolute(dir)) {
    throw new WorkspaceError('invalid_path', `dir: ${dir} is not an absolute path`, { field: 'dir' });
  }
  const real = realTarget(dir);
  for (const [inside, what] of [
    [repo.root, 'working tree'],
    [repo.commonDir, 'git folder'],
  ] as const) {
    if (inside && isInside(real, inside)) {
      throw new WorkspaceError(
        'dir_inside_repository',
        `dir: ${dir} is inside the repository's ${what} (${inside}); worktrees go outside the repository`,
        { field: 'dir', dir },
      );
    }
  }
  return real;
}
