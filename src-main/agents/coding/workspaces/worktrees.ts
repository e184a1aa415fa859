import { existsSync, readdirSync } from 'node:fs';
import { WorkspaceError } from './errors.ts';
import { GitError, git } from './git.ts';
import type { MergeConflict, MergeStepKind } from './merge.ts';
import { mergeInto } from './merge.ts';
import { branchMissing, checkBranchName, readRefs, requireCommit, startRef, updateRef } from './refs.ts';
import { withRepoLock } from './repo-lock.ts';
import type { Cancellable, Repository } from './repository.ts';
import { cancellable, checkWorktreeDir, isInside, openRepository, realTarget } from './repository.ts';
import type { WorktreeEntry } from './worktree-list.ts';
import { listWorktrees, PARKED, PREPARING } from './worktree-list.ts';
import { inWorktree, openWorktree } from './worktree-open.ts';
import { setLock, takeParked } from './worktree-park.ts';
import { parksArrived, scrubTaken, takeFromPool } from './worktree-pool.ts';
import { deleteTrash, dropWorktree, pruneRecords } from './worktree-remove.ts';

/** A coding task this one depends on: its result branch. */
export interface DependencyBranch {
  /** The dependency's branch (`baton/r1/backend`). */
  branch: string;
  /** The commit its attempt ended at, when recorded: taken instead of the branch's tip, which someone may have moved since. */
  commit?: string;
  /** Who it is, for the merge message (`task backend`). */
  label?: string;
}

export interface PrepareWorktreeInput extends Cancellable {
  /** The workspace's repository (its top folder). */
  repo: string;
  /** Where a task without coding dependencies starts (the workspace's base branch). */
  baseBranch: string;
  /** The task's branch (`baton/<run>/<task>`). */
  branch: string;
  /**
   * The worktree's folder: absolute, outside the repository; absent, empty, this task's
   * worktree already, or a parked worktree (worktree-park.ts) to take.
   */
  dir: string;
  /** Coding dependencies, in dependency order: the branch starts at the first, the others are merged in. */
  from?: readonly DependencyBranch[];
  /**
   * A folder of parked worktrees (worktree-pool.ts): when `dir` needs a new worktree, one is
   * taken from there if any (moved to `dir`) instead of checking out every file.
   */
  pool?: string;
  /**
   * Ignored paths (gitignore patterns: `node_modules/`) a worktree taken from the pool keeps
   * from its last attempt; everything else it held goes (worktree-pool.ts `scrubTaken`).
   */
  keepIgnored?: readonly string[];
  /** How long clearing a worktree taken from the pool may take before a new one is made instead (tests). */
  scrubTimeoutMs?: number;
}

/**
 * How long clearing what a parked worktree's last attempt left may take. What an agent left can
 * hold git for good (a FIFO as a nested repository's `.git/HEAD` in an ignored folder): past this,
 * the parked worktree is dropped and a new one made, rather than the next task failing.
 */
const SCRUB_TIMEOUT_MS = 30_000;

export interface PreparedWorktree {
  ok: true;
  /** Real path of the worktree. */
  dir: string;
  branch: string;
  /** Where the branch started: what the task's diff is taken against, the same for every attempt. */
  startCommit: string;
  /** The branch's commit now: the start, or an earlier attempt's last commit. */
  head: string;
  /**
   * `created`: a new branch and worktree; `reattached`: the branch was there but its worktree
   * was gone, so one was made for it; `reused`: both were there and are left as they are
   * (an earlier attempt's changes, committed or not, included).
   */
  state: 'created' | 'reattached' | 'reused';
  /** How each dependency came in, for a created branch (`start` for the first). */
  merged: { branch: string; how: 'start' | MergeStepKind }[];
  /** Whether a parked worktree (worktree-park.ts, worktree-pool.ts) was switched to this branch at `dir`. */
  recycled: boolean;
  /** What was found wrong in the worktree's link to its git folder and set right (worktree-open.ts), when anything was: for the attempt's log. */
  repaired?: string;
}

/** The dependencies' branches do not merge: nothing was created. */
export interface PrepareConflict {
  ok: false;
  conflict: MergeConflict & {
    /** The dependency branches merged so far, the one that conflicted last. */
    branches: string[];
  };
}

interface Dependency {
  branch: string;
  commit: string;
  label: string;
}

/**
 * A worktree for one attempt of a coding task (see PrepareWorktreeInput). Changes to the
 * repository (branch, worktree record, merge commits) are made under the repository lock;
 * the files are checked out after it is released, so attempts starting together do not wait
 * for each other's checkouts. Until the checkout is done the worktree stays locked "baton:
 * preparing": a preparation cut short (Baton killed) is found by that on the next call and
 * made again, never reused half-checked-out.
 */
export async function prepareWorktree(
  input: PrepareWorktreeInput,
): Promise<PreparedWorktree | PrepareConflict> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const dir = checkWorktreeDir(repo, input.dir);
  const branchRef = await checkBranchName(repo, input.branch, 'branch', c);
  const baseRef = await checkBranchName(repo, input.baseBranch, 'baseBranch', c);
  const from = input.from ?? [];
  const pool = input.pool === undefined ? null : realTarget(input.pool);
  const depRefs: string[] = [];
  for (const [i, dep] of from.entries())
    depRefs.push(await checkBranchName(repo, dep.branch, `from[${i}].branch`, c));
  const recorded = new Map<number, string>();
  for (const [i, dep] of from.entries()) {
    if (dep.commit) recorded.set(i, await requireCommit(repo, dep.commit, `from[${i}].commit`, c));
  }

  if (pool !== null) await parksArrived(pool, c);
  const step = await withRepoLock(repo.commonDir, async () => {
    const entries = await finishUnfinished(repo, dir, input.branch, c);
    // Every ref this needs, in one git process: base, the branch, its start, the dependencies.
    const tips = await readRefs(repo, [baseRef, branchRef, startRef(branchRef), ...depRefs], c);
    const baseTip = tips.get(baseRef);
    if (!baseTip) throw branchMissing(repo, input.baseBranch, 'baseBranch');
    const deps: Dependency[] = from.map((dep, i) => {
      const commit = recorded.get(i) ?? tips.get(depRefs[i]!);
      if (!commit) throw branchMissing(repo, dep.branch, `from[${i}].branch`);
      return { branch: dep.branch, commit, label: dep.label ?? dep.branch };
    });
    const tip = tips.get(branchRef) ?? null;
    const atDir = entries.find((e) => !e.main && e.path === dir);
    const around = entries.find((e) => !e.main && !e.missing && e.path !== dir && isInside(dir, e.path));
    if (around) {
      throw new WorkspaceError(
        'dir_inside_repository',
        `dir: ${input.dir} is inside another worktree of the repository (${around.path}); its \`git add -A\` would take this one in`,
        { field: 'dir', dir: input.dir },
      );
    }
    let parked = atDir !== undefined && !atDir.missing && atDir.locked === PARKED && atDir.branch === null;
    const place = async (branch: { create: string; at: string } | { existing: string }) => {
      // A parked worktree of the pool, moved here, if there is one (`dir` was checked free).
      if (!parked && pool !== null && atDir === undefined)
        parked = await takeFromPool(repo, pool, dir, entries, c);
      await (parked ? takeParked(repo, dir, branch, c) : addWorktree(repo, dir, branch, c));
    };
    const merged: PreparedWorktree['merged'] = [];
    if (tip !== null) {
      const start = tips.get(startRef(branchRef));
      if (start === undefined) {
        throw new WorkspaceError(
          'branch_not_prepared',
          `branch: ${input.branch} already exists and Baton did not prepare it (no ${startRef(branchRef)}); delete it or choose another branch`,
          { field: 'branch', branch: input.branch },
        );
      }
      const holder = entries.find((e) => e.branch === input.branch && !e.missing);
      if (holder && holder.path === dir) {
        // Taken up as the last attempt (or a Baton that stopped) left it: `.git` is set right first.
        const { at, repaired } = openWorktree(repo, dir);
        // An adoption cut short just before its unlock (worktree-adopt.ts) left it locked "parked".
        if (holder.locked === PARKED) setLock(at, null);
        return { kind: 'reused', start, head: holder.head ?? tip, repaired } as const;
      }
      if (holder) {
        throw new WorkspaceError(
          'branch_in_use',
          `branch: ${input.branch} is checked out in another worktree, ${holder.path}`,
          {
            field: 'branch',
            worktree: holder.path,
          },
        );
      }
      if (entries.some((e) => e.branch === input.branch)) await pruneRecords(repo, c);
      if (!parked) checkDirFree(input.dir, dir, atDir);
      await place({ existing: input.branch });
      return { kind: 'checkout', state: 'reattached', start, head: tip, merged, parked } as const;
    }
    if (!parked) checkDirFree(input.dir, dir, atDir);
    const first = deps[0];
    let start = baseTip;
    if (first) {
      const rest = deps.slice(1);
      const names = deps.map((d) => d.branch).join(', ');
      const result = await mergeInto(
        repo,
        first.commit,
        rest.map((d) => d.commit),
        (i) =>
          `Merge ${rest[i]!.label} (${rest[i]!.branch}) into ${input.branch}\n\n` +
          `Baton starts ${input.branch} from its dependencies, merged in order: ${names}.\n`,
        false,
        c,
      );
      if (!result.ok) {
        const branches = deps.slice(0, result.at + 2).map((d) => d.branch);
        return { kind: 'conflict', conflict: { ...result.conflict, branches } } as const;
      }
      start = result.commit;
      merged.push({ branch: first.branch, how: 'start' });
      for (const [i, how] of result.steps.entries()) merged.push({ branch: rest[i]!.branch, how });
    }
    await place({ create: input.branch, at: start });
    return { kind: 'checkout', state: 'created', start, head: start, merged, parked } as const;
  });

  if (step.kind === 'conflict') return { ok: false, conflict: step.conflict };
  const done: PreparedWorktree = {
    ok: true,
    dir,
    branch: input.branch,
    startCommit: step.start,
    head: step.head,
    state: step.kind === 'reused' ? 'reused' : step.state,
    merged: step.kind === 'reused' ? [] : step.merged,
    recycled: step.kind === 'reused' ? false : step.parked,
  };
  if (step.kind === 'reused') return step.repaired === null ? done : { ...done, repaired: step.repaired };
  try {
    const { at } = openWorktree(repo, dir);
    // The files, outside the lock: only this worktree's index and folder are written (in a
    // parked worktree, only the files that differ from what it holds).
    await git(['read-tree', '--reset', '-u', 'HEAD'], { ...inWorktree(at, c), retryOnLock: true });
    // A parked worktree holds what its last attempt left: all of it goes.
    if (step.parked)
      await scrubTaken(at, input.keepIgnored ?? [], {
        ...c,
        timeoutMs: input.scrubTimeoutMs ?? SCRUB_TIMEOUT_MS,
      });
    await withRepoLock(repo.commonDir, async () => {
      if (step.state === 'created')
        await updateRef(repo, startRef(branchRef), step.start, null, 'baton: branch start', c);
      setLock(at, null);
    });
  } catch (e) {
    // Nothing half-made is left: the worktree goes, and a branch this call created with it.
    const trash = await withRepoLock(repo.commonDir, async () => {
      const entry = (await listWorktrees(repo)).find((w) => w.path === dir);
      return entry ? (await dropWorktree(repo, entry, false, {})).trash : null;
    }).catch(() => null);
    await deleteTrash(trash);
    // A parked worktree whose leftovers could not be cleared: dropped above, a new one instead.
    if (step.parked && e instanceof GitError && !input.signal?.aborted)
      return prepareWorktree({ ...input, pool: undefined });
    throw e;
  }
  return done;
}

/** A worktree record for `dir` on a new or an existing branch, locked "baton: preparing", with nothing checked out yet. */
async function addWorktree(
  repo: Repository,
  dir: string,
  branch: { create: string; at: string } | { existing: string },
  opts: Cancellable,
): Promise<void> {
  const target =
    'create' in branch ? ['-b', branch.create, '--', dir, branch.at] : ['--', dir, branch.existing];
  await git(['worktree', 'add', '--no-checkout', '--lock', '--reason', PREPARING, ...target], {
    cwd: repo.path,
    retryOnLock: true,
    ...opts,
  });
}

/**
 * Worktrees of this repository, after removing any whose preparation was cut short: the one
 * at `dir`, or one on `branch` (dropWorktree also deletes the branch if that call created it).
 */
async function finishUnfinished(
  repo: Repository,
  dir: string,
  branch: string,
  opts: Cancellable,
): Promise<WorktreeEntry[]> {
  const entries = await listWorktrees(repo, opts);
  // Also records of parked worktrees whose folders are gone (Baton's data folder deleted):
  // locked, git would keep them for ever.
  const unfinished = entries.filter(
    (e) =>
      !e.main &&
      ((e.locked === PREPARING && (e.path === dir || e.branch === branch)) ||
        (e.locked === PARKED && e.missing)),
  );
  if (unfinished.length === 0) return entries;
  for (const entry of unfinished) await deleteTrash((await dropWorktree(repo, entry, false, opts)).trash);
  return listWorktrees(repo, opts);
}

/** `dir` may be absent or an empty folder; anything else is refused (another worktree, someone's files). */
function checkDirFree(given: string, dir: string, atDir: WorktreeEntry | undefined): void {
  if (atDir && !atDir.missing) {
    throw new WorkspaceError(
      'dir_not_empty',
      `dir: ${given} is already a worktree (of ${atDir.branch ? `branch ${atDir.branch}` : 'a detached HEAD'})`,
      { field: 'dir' },
    );
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new WorkspaceError('dir_not_empty', `dir: ${given} exists and is not empty`, { field: 'dir' });
  }
}
