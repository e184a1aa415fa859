import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { WorkspaceError } from './errors.ts';
import type { WorktreeAt } from './git.ts';
import { GitError, git } from './git.ts';
import { withRepoLock } from './repo-lock.ts';
import type { Cancellable, Repository } from './repository.ts';
import { cancellable, checkWorktreeDir, isInside, openRepository, realTarget } from './repository.ts';
import type { WorktreeEntry } from './worktree-list.ts';
import { listWorktrees, PARKED } from './worktree-list.ts';
import { inWorktree, openWorktree } from './worktree-open.ts';
import { setLock } from './worktree-park.ts';
import { deleteTrash, dropWorktree } from './worktree-remove.ts';

/**
 * A pool of parked worktrees per workspace: a finished task's worktree is moved into the pool
 * folder (detached, locked "baton: parked", its files left as they are) instead of being
 * deleted, and the next attempt that needs a new worktree moves one out of it
 * (`prepareWorktree` with `pool`), where only the files that differ from the new start are
 * written, then everything else is wiped: `read-tree --reset -u` puts back tracked files
 * anyone changed, `clean -ffdx` deletes untracked and ignored ones, and a merge, rebase or
 * cherry-pick left in progress is forgotten (`scrubTaken`). So no attempt sees another's
 * uncommitted work, and a parked worktree holds no branch.
 *
 * Moving is a rename (`git worktree move`): a parked worktree has no fixed place, and the
 * attempt works in its own task's folder as with a new worktree.
 */

export interface ParkInPoolInput extends Cancellable {
  repo: string;
  /** A worktree Baton prepared, whose attempt is over (what it did not commit is lost). */
  dir: string;
  /** The folder of the workspace's parked worktrees (absolute, outside the repository). */
  pool: string;
  /**
   * At most this many parked worktrees in `pool` (or the room a best-of attempt made, `makeRoom`,
   * if more); a worktree that finds it full is removed.
   */
  max: number;
}

export interface PoolPark {
  /** Where the worktree went in the pool; null when it was removed instead (pool full, or it could not be moved). */
  parked: string | null;
  /** Whether there was a worktree at `dir` at all. */
  found: boolean;
  /** The branch it had checked out, now free (and kept). */
  branch: string | null;
}

/** Parks the worktree at `dir` in `pool`, or removes it when the pool is full (see ParkInPoolInput). */
export async function parkInPool(input: ParkInPoolInput): Promise<PoolPark> {
  const [parked] = await parkEach(input, [{ dir: input.dir, field: 'dir' }]);
  return parked!;
}

export interface ParkAllInPoolInput extends Omit<ParkInPoolInput, 'dir'> {
  /** Worktrees Baton prepared, whose attempts are over (a best-of attempt's candidates). */
  dirs: readonly string[];
}

/**
 * Parks each worktree of `dirs` in `pool` as `parkInPool` does, in one pass of the repository
 * lock (git's list of worktrees read once): what a best-of attempt does with its candidates.
 * In the order given; one the pool has no room for is removed. One that cannot be parked or
 * removed does not stop the others: its error is thrown once all were tried. Nothing is done
 * when a path is not absolute or is the repository's own working tree.
 */
export async function parkAllInPool(input: ParkAllInPoolInput): Promise<PoolPark[]> {
  return parkEach(
    input,
    input.dirs.map((dir, i) => ({ dir, field: `dirs[${i}]` })),
  );
}

async function parkEach(
  input: Omit<ParkInPoolInput, 'dir'>,
  given: readonly { dir: string; field: string }[],
): Promise<PoolPark[]> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  for (const g of given)
    if (!isAbsolute(g.dir))
      throw new WorkspaceError('invalid_path', `${g.field}: ${g.dir} is not an absolute path`, {
        field: g.field,
      });
  const dirs = given.map((g) => ({ ...g, real: realTarget(g.dir) }));
  const pool = poolFolder(repo, input.pool);
  const { results, trash, failure } = await withRepoLock(repo.commonDir, async () => {
    let entries = await listWorktrees(repo, c);
    for (const g of dirs)
      if (entries.find((e) => e.path === g.real)?.main)
        throw new WorkspaceError(
          'not_a_worktree',
          `${g.field}: ${g.dir} is the repository's own working tree`,
          {
            field: g.field,
          },
        );
    const results: PoolPark[] = [];
    const trash: (string | null)[] = [];
    // One that fails does not stop the others: the first failure is thrown once all were tried.
    let failure: unknown = null;
    for (const g of dirs) {
      const entry = entries.find((e) => e.path === g.real);
      if (!entry) {
        results.push({ parked: null, found: false, branch: null });
        continue;
      }
      try {
        const max = Math.max(input.max, room.get(pool) ?? 0);
        const done = await parkOne(repo, entry, pool, max, entries, trash, c);
        entries = done.entries;
        results.push({ parked: done.parked, found: true, branch: entry.branch });
      } catch (e) {
        if (c.signal?.aborted) throw e;
        failure ??= e;
        results.push({ parked: null, found: true, branch: entry.branch });
        entries = await listWorktrees(repo, c).catch(() => entries);
      }
    }
    return { results, trash, failure };
  });
  for (const t of trash) await deleteTrash(t);
  if (failure !== null) throw failure;
  return results;
}

/**
 * Parks `entry` in `pool` with the repository lock held, or removes it (its trash added to
 * `trash`) when it is not to be parked or cannot be moved; `entries` is git's list before, and
 * the list as it is after comes back.
 */
async function parkOne(
  repo: Repository,
  entry: WorktreeEntry,
  pool: string,
  max: number,
  entries: readonly WorktreeEntry[],
  trash: (string | null)[],
  c: Cancellable,
): Promise<{ parked: string | null; entries: WorktreeEntry[] }> {
  // Only a worktree Baton finished preparing (unlocked) is parked: one locked "preparing" or by
  // a person, or whose folder is gone, is removed as before.
  if (entry.missing || entry.locked !== null || parkedIn(entries, pool).length >= max) {
    trash.push((await dropWorktree(repo, entry, false, c)).trash);
    // Removing a missing one prunes every missing record: git's list is read again then.
    return {
      parked: null,
      entries: entry.missing ? await listWorktrees(repo, c) : entries.filter((e) => e !== entry),
    };
  }
  const target = join(pool, `w-${randomBytes(6).toString('hex')}`);
  try {
    mkdirSync(pool, { recursive: true, mode: 0o700 });
    const { at } = openWorktree(repo, entry.path);
    // In this order, so that a park cut short leaves a worktree prepareWorktree or a prune
    // knows: the branch let go, then locked "parked", then moved.
    if (entry.branch !== null)
      await git(
        ['update-ref', '--no-deref', '-m', 'baton: park', 'HEAD', entry.head ?? 'HEAD'],
        inWorktree(at, c),
      );
    setLock(at, PARKED);
    await git(['worktree', 'move', '--force', '--force', '--', entry.path, target], { cwd: repo.path, ...c });
  } catch (e) {
    if (c.signal?.aborted) throw e;
    // It could not be moved (git refuses worktrees with submodules, or its record is not
    // right): removed instead.
    const now = (await listWorktrees(repo, c)).find((w) => w.path === entry.path);
    if (now) trash.push((await dropWorktree(repo, now, false, c)).trash);
    return { parked: null, entries: await listWorktrees(repo, c) };
  }
  // What git's list would now say of it, without asking again.
  return {
    parked: target,
    entries: entries.map((e) => (e === entry ? { ...e, path: target, branch: null, locked: PARKED } : e)),
  };
}

/** The room best-of attempts made in a pool (real path), in this process: see `makeRoom`. */
const room = new Map<string, number>();

/**
 * Lets `pool` hold at least `n` parked worktrees from now on (in this process), whatever `max` a
 * park is given: a best-of attempt of N candidates parks all of them and then the task's own
 * worktree (N + 1), so that its next attempt takes N parked worktrees again instead of checking
 * out the whole repository N times. The price is the disk space of that many checkouts.
 */
export function makeRoom(pool: string, n: number): void {
  const key = realTarget(pool);
  room.set(key, Math.max(room.get(key) ?? 0, n));
}

/** Parks on their way into a pool (real path), in this process: see `parkingInto`. */
const incoming = new Map<string, Set<Promise<unknown>>>();

/** How long `prepareWorktree` waits for worktrees on their way into its pool before it makes a new one. */
const INCOMING_WAIT_MS = 10_000;

/**
 * Tells the pool that a worktree is on its way into it (`parked`: the caller's work that ends
 * with `parkInPool`, settled either way). A task's dependent starts as soon as the task is
 * done, while the task's worktree is still being parked: `prepareWorktree` with this pool
 * waits for it (at most INCOMING_WAIT_MS) instead of checking out every file again.
 */
export function parkingInto(pool: string, parked: Promise<unknown>): void {
  const key = realTarget(pool);
  const set = incoming.get(key) ?? new Set<Promise<unknown>>();
  incoming.set(key, set);
  set.add(parked);
  const done = () => {
    set.delete(parked);
    if (set.size === 0 && incoming.get(key) === set) incoming.delete(key);
  };
  parked.then(done, done);
}

/** Resolves once the parks announced into `pool` so far are over (or INCOMING_WAIT_MS passed). */
export async function parksArrived(pool: string, opts: Cancellable): Promise<void> {
  const set = incoming.get(pool);
  if (!set || set.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, INCOMING_WAIT_MS);
    opts.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.race([Promise.allSettled([...set]), waited]);
  clearTimeout(timer);
}

/** The parked worktrees in `pool` (real paths), in the order git lists them. */
export function parkedIn(entries: readonly WorktreeEntry[], pool: string): WorktreeEntry[] {
  return entries.filter(
    (e) =>
      !e.main &&
      !e.missing &&
      e.locked === PARKED &&
      e.branch === null &&
      e.path !== pool &&
      isInside(e.path, pool),
  );
}

export interface PoolInput extends Cancellable {
  repo: string;
  pool: string;
}

/** The folders of the parked worktrees in `pool`. */
export async function parkedWorktrees(input: PoolInput): Promise<string[]> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const pool = realTarget(input.pool);
  return parkedIn(await listWorktrees(repo, c), pool).map((e) => e.path);
}

/**
 * Removes every worktree in `pool` and the folder itself (the workspace is removed, or pruned).
 * Records of parked worktrees whose folders are gone (a data folder deleted) go too.
 */
export async function emptyPool(input: PoolInput): Promise<string[]> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const pool = poolFolder(repo, input.pool);
  const trash: (string | null)[] = [];
  const removed = await withRepoLock(repo.commonDir, async () => {
    const gone: string[] = [];
    for (const entry of await listWorktrees(repo, c)) {
      const stale = entry.missing && entry.locked === PARKED;
      if (entry.main || !(stale || (entry.path !== pool && isInside(entry.path, pool)))) continue;
      trash.push((await dropWorktree(repo, entry, false, c)).trash);
      gone.push(entry.path);
    }
    return gone;
  });
  for (const t of trash) await deleteTrash(t);
  // The folder itself, and what a removal cut short left in it (`.w-….baton-removing-*`).
  rmSync(pool, { recursive: true, force: true, maxRetries: 3 });
  return removed;
}

/**
 * Moves a parked worktree of `pool` to `dir` (absent, or an empty folder), for
 * `prepareWorktree`, with the repository lock held; false when there is none to take or it
 * could not be moved (another process took it first). It stays locked "parked": a take cut
 * short leaves a parked worktree at `dir`, which the next `prepareWorktree` there takes.
 */
export async function takeFromPool(
  repo: Repository,
  pool: string,
  dir: string,
  entries: readonly WorktreeEntry[],
  opts: Cancellable,
): Promise<boolean> {
  const parked = parkedIn(entries, pool).at(-1);
  if (!parked) return false;
  try {
    // Its `.git` set right first: git's move checks it, and a parked worktree may hold anything.
    openWorktree(repo, parked.path);
    mkdirSync(dirname(dir), { recursive: true });
    if (existsSync(dir)) rmdirSync(dir);
    await git(['worktree', 'move', '--force', '--force', '--', parked.path, dir], {
      cwd: repo.path,
      ...opts,
    });
    return true;
  } catch (e) {
    if (opts.signal?.aborted || !(e instanceof GitError || e instanceof WorkspaceError)) throw e;
    return false;
  }
}

/**
 * After a taken worktree's files were set to its new HEAD (`read-tree --reset -u`, which also
 * writes back tracked files someone changed): untracked and ignored files go (`clean -ffdx`,
 * a nested repository included), and so does any merge, rebase, cherry-pick or bisect left in
 * progress, so the next attempt starts as in a new worktree (`openWorktree`, which gave `at`,
 * already set `.git` right and deleted the worktree's own config).
 * Ignored paths matching `keep` (gitignore patterns: `node_modules/`) stay as the last attempt
 * left them: untracked files go first (`clean -ffd`, which spares ignored ones, so a kept
 * pattern never spares a file `git add -A` would commit), then ignored ones but those
 * (`clean -ffdX` with each pattern negated).
 */
export async function scrubTaken(at: WorktreeAt, keep: readonly string[], opts: Cancellable): Promise<void> {
  const g = inWorktree(at, opts);
  if (keep.length === 0) await git(['clean', '-q', '-ffdx'], g);
  else {
    await git(['clean', '-q', '-ffd'], g);
    await git(['clean', '-q', '-ffdX', ...keep.flatMap((p) => ['-e', `!${p}`])], g);
  }
  for (const name of [
    'MERGE_HEAD',
    'MERGE_MSG',
    'MERGE_MODE',
    'MERGE_RR',
    'SQUASH_MSG',
    'CHERRY_PICK_HEAD',
    'REVERT_HEAD',
    'AUTO_MERGE',
    'BISECT_LOG',
    'BISECT_START',
    'BISECT_TERMS',
    'BISECT_EXPECTED_REV',
    'BISECT_ANCESTORS_OK',
    'BISECT_NAMES',
    'rebase-merge',
    'rebase-apply',
    'sequencer',
  ])
    rmSync(join(at.gitDir, name), { recursive: true, force: true });
}

function poolFolder(repo: Repository, pool: string): string {
  try {
    return checkWorktreeDir(repo, pool);
  } catch (e) {
    if (e instanceof WorkspaceError)
      throw new WorkspaceError(e.reason, e.message.replace(/^dir:/, 'pool:'), { field: 'pool' });
    throw e;
  }
}
