import type { Stats } from 'node:fs';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { WorkspaceError } from './errors.ts';
import type { GitOptions, WorktreeAt } from './git.ts';
import type { Cancellable, Repository } from './repository.ts';
import { isInside, realTarget } from './repository.ts';

/**
 * Which repository and which git config Baton's own git commands in a worktree use is decided by
 * the repository, never by a file in the worktree. A worktree's `.git` is a file (`gitdir:
 * <common>/worktrees/<id>`) in the folder its agent writes: rewritten, made a folder (a
 * repository of its own, whose config can run programs or move the work tree) or a link, it
 * would lead git's discovery to another repository or another worktree's git folder. So Baton
 * finds a worktree's own git folder in the repository's records (each
 * `<common>/worktrees/<id>/gitdir` names its worktree's folder) and runs git with GIT_DIR,
 * GIT_WORK_TREE and GIT_COMMON_DIR set (`inWorktree`): `.git` is not read. It then puts `.git`
 * back as git made it when it is anything else (git's own `worktree move` and `remove`, a
 * person, and the next attempt go through it), and deletes a per-worktree config
 * (`config.worktree`, read when the repository has `extensions.worktreeConfig`): Baton's
 * worktrees have none, and one an agent wrote could run programs (a filter) or move the work
 * tree for Baton's commands.
 */

export interface OpenedWorktree {
  at: WorktreeAt;
  /** What was found wrong and set right (`.git` replaced, a per-worktree config deleted), for the attempt's log; null when nothing was. */
  repaired: string | null;
}

/** One worktree the repository records: its own git folder, and the worktree's folder that record names. */
interface WorktreeRecord {
  gitDir: string;
  dir: string;
}

/** The worktrees the repository records (`<common>/worktrees/<id>/gitdir`), real paths. */
function worktreeRecords(repo: Repository): WorktreeRecord[] {
  const admin = join(repo.commonDir, 'worktrees');
  let ids: string[];
  try {
    ids = readdirSync(admin);
  } catch {
    return [];
  }
  const records: WorktreeRecord[] = [];
  for (const id of ids) {
    const gitDir = join(admin, id);
    const named = readSmallFile(join(gitDir, 'gitdir'));
    if (named === null || named.trim() === '') continue;
    // `<worktree>/.git`, absolute (or relative to the record, as newer git may write it).
    records.push({ gitDir, dir: realTarget(dirname(resolve(gitDir, named.trim()))) });
  }
  return records;
}

/** The own git folder of the worktree at `dir`, as the repository records it; null when it records none there. */
export function recordedGitDir(repo: Repository, dir: string): string | null {
  const real = realTarget(dir);
  return worktreeRecords(repo).find((r) => r.dir === real)?.gitDir ?? null;
}

/**
 * The worktree of `repo` at `dir` (field `field`), addressed by the repository's record of it,
 * with `.git` and the per-worktree config set right (see the file's comment). Refused: a folder
 * the repository records no worktree at (its own working tree, a folder inside a worktree, any
 * other folder), or one whose folder is gone.
 */
export function openWorktree(repo: Repository, dir: string, field = 'dir'): OpenedWorktree {
  if (!isAbsolute(dir)) {
    throw new WorkspaceError('invalid_path', `${field}: ${dir} is not an absolute path`, { field });
  }
  const real = realTarget(dir);
  const refuse = (why: string) => new WorkspaceError('not_a_worktree', `${field}: ${dir} ${why}`, { field });
  if (repo.root !== null && real === repo.root)
    throw refuse(`is the repository's own working tree, not a worktree Baton made`);
  const records = worktreeRecords(repo);
  const named = records.filter((r) => r.dir === real);
  if (named.length === 0) {
    const around =
      records.find((r) => isInside(real, r.dir))?.dir ??
      (repo.root && isInside(real, repo.root) ? repo.root : null);
    if (around !== null) throw refuse(`is inside the worktree ${around}, not its top folder`);
    throw refuse(`is not a git worktree of ${repo.path}${existsSync(real) ? '' : ' (it does not exist)'}`);
  }
  if (named.length > 1) {
    throw refuse(
      `is named by ${named.length} worktree records of ${repo.path} (${named.map((r) => r.gitDir).join(', ')}); run \`git worktree prune\` there, or remove the stale ones`,
    );
  }
  if (!existsSync(real)) throw refuse(`is a worktree of ${repo.path} whose folder is gone`);
  const at: WorktreeAt = { dir: real, gitDir: named[0]!.gitDir, commonDir: repo.commonDir };
  const notes = [repairGitLink(at), dropWorktreeConfig(at)].filter((n): n is string => n !== null);
  return { at, repaired: notes.length > 0 ? notes.join('; ') : null };
}

/** How Baton's git runs in the worktree `at` (git.ts). */
export function inWorktree(at: WorktreeAt, opts: Cancellable): GitOptions {
  return { cwd: at.dir, worktree: at, ...opts };
}

/**
 * Puts back `.git` in every worktree of `repo` whose folder is there, before `git worktree
 * prune`: git prunes the record of a worktree whose `.git` is gone, and an agent that deletes
 * its own would lose its worktree's record (and the work Baton has not committed yet).
 */
export function repairGitLinks(repo: Repository): void {
  for (const r of worktreeRecords(repo)) {
    if (existsSync(r.dir)) repairGitLink({ dir: r.dir, gitDir: r.gitDir, commonDir: repo.commonDir });
  }
}

/** Makes `<dir>/.git` the file git writes (`gitdir: <its git folder>`) if it is anything else; says what it was. */
export function repairGitLink(at: WorktreeAt): string | null {
  const link = join(at.dir, '.git');
  const was = gitLinkProblem(link, at);
  if (was === null) return null;
  // A link is removed, not followed; a folder goes with what is in it (it is in the worktree).
  rmSync(link, { recursive: true, force: true, maxRetries: 3 });
  writeFileSync(link, `gitdir: ${at.gitDir}\n`, { flag: 'wx' });
  return `the worktree's .git was ${was}, not git's link to its git folder ${at.gitDir}: Baton's git did not go through it, and the link is put back`;
}

/** Why `.git` is not the link to `at.gitDir` (in words), or null when it is. */
function gitLinkProblem(link: string, at: WorktreeAt): string | null {
  let st: Stats;
  try {
    st = lstatSync(link);
  } catch {
    return 'missing';
  }
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a folder (a git folder of its own)';
  const text = st.isFile() ? readSmallFile(link) : null;
  if (text === null) return 'not a regular file';
  const m = /^gitdir: (.+)$/.exec(text.trim());
  if (!m) return 'a file that names no git folder';
  const named = realTarget(resolve(at.dir, m[1]!));
  return named === realTarget(at.gitDir) ? null : `rewritten to name ${named}`;
}

/** Deletes the worktree's own git config (`config.worktree` in its git folder), if there is one; says so. */
function dropWorktreeConfig(at: WorktreeAt): string | null {
  const path = join(at.gitDir, 'config.worktree');
  try {
    lstatSync(path);
  } catch {
    return null;
  }
  rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  return `the worktree had a git config of its own (${path}), which Baton's worktrees do not have and Baton's git must not run under: it was deleted`;
}

/** A regular file's first 64 KB as text, read without following a link or waiting on a FIFO; null otherwise. */
function readSmallFile(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) return null;
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
