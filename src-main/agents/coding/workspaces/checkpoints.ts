import { copyFileSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitJail, GitOptions, WorktreeAt } from './git.ts';
import { git, gitText } from './git.ts';
import { rememberCommit } from './refs.ts';
import { withRepoLock } from './repo-lock.ts';
import type { Cancellable, Repository } from './repository.ts';
import { cancellable, openRepository } from './repository.ts';
import { inWorktree, openWorktree } from './worktree-open.ts';

/**
 * Checkpoints: a worktree's files after each model turn of its agent, kept as commits on private
 * refs (`refs/baton/checkpoints/<branch>/<attempt>/<turn>`: no branch, `git branch` does not list
 * them), each parented on the one before. Made without touching the agent's index, HEAD or files:
 * the tree is built in a private index of Baton's (`<worktree's git folder>/baton-checkpoint-index`,
 * which the agent's sandbox cannot write), `add --all` then `write-tree`, then `commit-tree` and a
 * compare-and-swap `update-ref`. The private index starts as a copy of the worktree's own and is
 * kept between turns, so a turn costs git a look at each file's stat data and the hashing of what
 * changed, not of every file. Ignored files are not in a checkpoint (as in a commit of Baton's).
 * Every command runs through `git()`: no filter, diff or merge driver, no hook (git.ts).
 */

/** Where a branch's checkpoints are kept, every attempt's (`<prefix><attempt>/<turn>`). */
export function checkpointPrefix(branch: string): string {
  return `refs/baton/checkpoints/${branch}/`;
}

/** The ref of one checkpoint. */
export function checkpointRef(branch: string, attempt: number, turn: number): string {
  return `${checkpointPrefix(branch)}${attempt}/${turn}`;
}

const INDEX = 'baton-checkpoint-index';

export interface SnapshotInput extends Cancellable {
  repo: string;
  /** The worktree. */
  dir: string;
  /**
   * The sandbox that the commands reading the worktree's files run in, writing only the folders
   * given (`../attempt/git-jail.ts`): its agent may still be running. Absent: they run as Baton.
   */
  jail?: ((writable: string[]) => GitJail) | undefined;
}

/** How Baton's git runs in the worktree with its private index, and what the worktree's HEAD is. */
async function privateIndex(input: SnapshotInput): Promise<{
  at: GitOptions;
  jail: GitJail | undefined;
  worktree: WorktreeAt;
  head: string | null;
  repaired: string | null;
}> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const { at: worktree, repaired } = openWorktree(repo, input.dir);
  const index = join(worktree.gitDir, INDEX);
  // Its own index as the first guess of every file's stat data (git writes it by a rename: whole).
  const own = join(worktree.gitDir, 'index');
  if (!existsSync(index) && existsSync(own)) copyFileSync(own, index);
  const at = { ...inWorktree(worktree, c), env: { GIT_INDEX_FILE: index } };
  const head = await gitText(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
    ...at,
    okExitCodes: [1],
  });
  // Reading files writes the repository's objects and the private index, nothing else.
  const jail = input.jail?.([worktree.dir, worktree.commonDir]);
  return { at, jail, worktree, head: head === '' ? null : head, repaired };
}

/**
 * The tree of the worktree's files as they are now (tracked and new; ignored ones not), built in
 * Baton's private index. The worktree's HEAD beside it (null on a branch with no commit), and what
 * was found wrong in its link to its git folder and set right (worktree-open.ts), for the log.
 */
export async function snapshotTree(
  input: SnapshotInput,
): Promise<{ tree: string; head: string | null; repaired: string | null }> {
  const { at, jail, head, repaired } = await privateIndex(input);
  return { tree: await stageAll(at, jail), head, repaired };
}

/** The worktree's files into the private index, and its tree; what reads the files runs in `jail`. */
async function stageAll(at: GitOptions, jail: GitJail | undefined): Promise<string> {
  const entries = await gitText(['ls-files', '--stage', '-z'], { ...at, maxOutputBytes: 1024 * 1024 * 1024 });
  const gitlinks: string[] = [];
  let unmerged = false;
  for (const entry of entries.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [mode, , stage] = entry.slice(0, tab).split(' ');
    if (stage !== '0') unmerged = true;
    else if (mode === '160000') gitlinks.push(entry.slice(tab + 1));
  }
  // A copy of an index the agent's own merge left unmerged: started again from nothing.
  if (unmerged) await git(['read-tree', '--empty'], at);
  // As `commitLeftovers`: a nested repository is staged by its HEAD, never looked into (its config is the agent's).
  await git(['add', '--all', '--', '.', ...gitlinks.map((p) => `:(exclude,literal)${p}`)], {
    ...at,
    jail,
    retryOnLock: true,
  });
  if (gitlinks.length > 0)
    await git(['update-index', '--add', '--remove', '--', ...gitlinks], { ...at, jail });
  return gitText(['write-tree'], { ...at, retryOnLock: true });
}

export interface RecordCheckpointInput extends Cancellable {
  repo: string;
  /** `checkpointRef(…)`: refused if it exists already. */
  ref: string;
  tree: string;
  /** The checkpoint before (else the worktree's HEAD then); null: none. */
  parent: string | null;
  /** Its first line says the turn; Baton reads `Files:` and `At:` lines back. */
  message: string;
}

/** Writes a checkpoint's commit and points its ref at it (which must not exist yet). */
export async function recordCheckpoint(input: RecordCheckpointInput): Promise<string> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const at = { cwd: repo.path, ...c };
  const parents = input.parent === null ? [] : ['-p', input.parent];
  const commit = await gitText(['commit-tree', input.tree, ...parents, '-F', '-'], {
    ...at,
    input: `${input.message.trim()}\n`,
  });
  rememberCommit(repo, commit);
  await withRepoLock(repo.commonDir, () =>
    git(['update-ref', '-m', 'baton: checkpoint', input.ref, commit, ''], { ...at, retryOnLock: true }),
  );
  return commit;
}

/** Paths that differ between two trees or commits (renames not followed: a count, not a diff). */
export async function changedPaths(
  input: Cancellable & { repo: string; from: string; to: string },
): Promise<string[]> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const out = await gitText(['diff', '--name-only', '-z', '--no-renames', input.from, input.to, '--'], {
    cwd: repo.path,
    ...c,
  });
  return out.split('\0').filter(Boolean);
}

/** One checkpoint as its ref and commit say. */
export interface CheckpointRecord {
  attempt: number;
  turn: number;
  commit: string;
  tree: string;
  /** Its parent: the checkpoint before, or the worktree's HEAD at the first; null: none. */
  parent: string | null;
  /** When it was taken (ISO 8601, from its message; else the commit's time). */
  at: string;
  /** Files changed since the checkpoint before. */
  files: number;
  /** Its message's first line. */
  subject: string;
}

/** A branch's checkpoints, every attempt's (or one's), by attempt then turn. */
export async function listCheckpoints(
  input: Cancellable & { repo: string; branch: string; attempt?: number },
): Promise<CheckpointRecord[]> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const prefix = checkpointPrefix(input.branch) + (input.attempt === undefined ? '' : `${input.attempt}/`);
  const out = await gitText(
    [
      'for-each-ref',
      '--format=%(refname)%00%(objectname)%00%(tree)%00%(parent)%00%(committerdate:unix)%00%(subject)%00%(body)%00%00',
      prefix,
    ],
    { cwd: repo.path, ...c },
  );
  const list: CheckpointRecord[] = [];
  for (const record of out.split('\0\0\n')) {
    const [ref = '', commit = '', tree = '', parent = '', time = '', subject = '', body = ''] =
      record.split('\0');
    const m = /\/(\d+)\/(\d+)$/.exec(ref);
    if (!m || !ref.startsWith(checkpointPrefix(input.branch))) continue;
    const files = /^Files: (\d+)$/m.exec(body)?.[1];
    const at = /^At: (\S+)$/m.exec(body)?.[1];
    list.push({
      attempt: Number(m[1]),
      turn: Number(m[2]),
      commit,
      tree,
      parent: parent.split(' ')[0] || null,
      at: at ?? new Date(Number(time) * 1000).toISOString(),
      files: files === undefined ? 0 : Number(files),
      subject,
    });
  }
  return list.sort((a, b) => a.attempt - b.attempt || a.turn - b.turn);
}

/** Deletes every checkpoint of a branch (its branch is gone, or the task's work discarded); answers how many. */
export async function deleteCheckpoints(
  input: Cancellable & { repo: string; branch: string },
): Promise<number> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  return withRepoLock(repo.commonDir, () => dropCheckpoints(repo, input.branch, c));
}

/** `deleteCheckpoints` for a caller that holds the repository lock already. */
export async function dropCheckpoints(repo: Repository, branch: string, c: Cancellable): Promise<number> {
  const at = { cwd: repo.path, ...c };
  const refs = (await gitText(['for-each-ref', '--format=%(refname)', checkpointPrefix(branch)], at))
    .split('\n')
    .filter(Boolean);
  if (refs.length === 0) return 0;
  await git(['update-ref', '--stdin'], {
    ...at,
    input: refs.map((r) => `delete ${r}\n`).join(''),
    retryOnLock: true,
  });
  return refs.length;
}

export interface RestoreInput extends SnapshotInput {
  /** The checkpoint's tree the files go back to. */
  tree: string;
}

/**
 * The worktree's files made exactly those of `tree`: files changed since written back, files made
 * since deleted, tracked or not (ignored files are left alone: they are in no checkpoint). The
 * agent's index, its HEAD and its branch are not touched: what it committed since stays in the
 * branch's history, and the files now differ from it as the undoing (the next commit of the
 * attempt's work records it). Answers the paths that changed.
 */
export async function restoreTree(input: RestoreInput): Promise<string[]> {
  const { at: kept, worktree } = await privateIndex(input);
  // An index of its own, in a folder of its own (a copy of the checkpoints' one, for its stat
  // data): the commands that write files may then write the worktree and that folder only. With
  // the worktree's git folder writable, a folder swapped for a link into it led the reset to
  // rewrite the worktree's records there (its `commondir`), which the person's own git follows.
  const folder = await mkdtemp(join(tmpdir(), 'baton-revert-index-'));
  try {
    const index = join(folder, 'index');
    const from = kept.env?.GIT_INDEX_FILE;
    if (from && existsSync(from)) copyFileSync(from, index);
    const at = { ...kept, env: { GIT_INDEX_FILE: index } };
    const now = await stageAll(at, input.jail?.([worktree.dir, worktree.commonDir, folder]));
    const changed = await gitText(['diff', '--name-only', '-z', '--no-renames', now, input.tree, '--'], at);
    // The index holds every file of the worktree now: a reset to the checkpoint's tree with -u
    // writes back what differs and deletes what the index has and the tree does not.
    await git(['read-tree', '--reset', '-u', input.tree], {
      ...at,
      jail: input.jail?.([worktree.dir, folder]),
      retryOnLock: true,
    });
    return changed.split('\0').filter(Boolean);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
