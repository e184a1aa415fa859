import { existsSync, mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { git } from './git.ts';
import { checkBranchName, readRefs, requireCommit, startRef, updateRef } from './refs.ts';
import { withRepoLock } from './repo-lock.ts';
import type { Cancellable } from './repository.ts';
import { cancellable, checkWorktreeDir, openRepository, realTarget } from './repository.ts';
import { listWorktrees, PARKED } from './worktree-list.ts';
import { inWorktree, openWorktree } from './worktree-open.ts';
import { setLock } from './worktree-park.ts';

/**
 * A finished worktree made another branch's worktree in another folder, its files as they are:
 * how a best-of attempt's winning candidate becomes its task's worktree without checking the
 * task's branch out again (no `read-tree` over the repository's files, no `clean`, a handful of
 * git processes). The worktree is moved (`git worktree move`, a rename) and HEAD names the new
 * branch, made at (or moved to) the commit the worktree is at; the branch it had is kept.
 */
export interface AdoptWorktreeInput extends Cancellable {
  repo: string;
  /** The worktree to adopt: Baton's, its attempt over, on its own branch at `to` (what it did not commit comes along). */
  from: string;
  /** Where it goes: absent, or an empty folder. */
  dir: string;
  /** The branch it is to hold: made at `to`, or moved there when Baton made it and no worktree holds it. */
  branch: string;
  /** The commit `from` is at, which `branch` is to be at. */
  to: string;
  /** Where `branch` starts (its `refs/baton-start/…`), when it has no start yet. */
  start: string;
}

export interface AdoptedWorktree {
  dir: string;
  branch: string;
  /** The branch's start: `start`, or the one it had. */
  startCommit: string;
}

/**
 * Adopts `from` as the worktree of `branch` at `dir` (see AdoptWorktreeInput); null, with
 * nothing changed, when it cannot be done that way and the caller prepares the worktree as
 * usual: `dir` is a worktree already (an earlier attempt's) or holds files, a worktree (or the
 * person's checkout) holds `branch`, `branch` exists without a start (Baton did not prepare it),
 * or `from` is not an unlocked worktree at `to`. Untracked files the worktree holds go (`clean
 * -ffd`); ignored ones stay.
 *
 * In this order, each step a state the next `prepareWorktree` knows, should Baton stop between
 * two: `from` detached and locked "parked" (a parked worktree, taken as one where it is), moved
 * to `dir` (a parked worktree at the task's folder), the branch's start then the branch set,
 * HEAD naming the branch (a worktree on its branch still locked "parked", which prepareWorktree
 * unlocks as it takes it up), unlocked.
 */
export async function adoptWorktree(input: AdoptWorktreeInput): Promise<AdoptedWorktree | null> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const dir = checkWorktreeDir(repo, input.dir);
  const from = realTarget(input.from);
  // Asked of git together; the first of them (in this order) that is wrong is said.
  const [branchRef, to, start] = await allOrFirstError([
    checkBranchName(repo, input.branch, 'branch', c),
    requireCommit(repo, input.to, 'to', c),
    requireCommit(repo, input.start, 'start', c),
  ]);
  const done = await withRepoLock(repo.commonDir, async () => {
    const entries = await listWorktrees(repo, c);
    const source = entries.find((e) => e.path === from);
    if (!source || source.main || source.missing || source.locked !== null || source.head !== to) return null;
    // Held anywhere (the person's own checkout too), or a worktree in the way: prepared as usual.
    if (entries.some((e) => e.branch === input.branch || (!e.main && e.path === dir))) return null;
    if (existsSync(dir) && readdirSync(dir).length > 0) return null;
    const tips = await readRefs(repo, [branchRef, startRef(branchRef)], c);
    const tip = tips.get(branchRef) ?? null;
    const hadStart = tips.get(startRef(branchRef));
    // A branch Baton did not prepare (no start) is not taken: prepareWorktree refuses it, naming it.
    if (tip !== null && hadStart === undefined) return null;
    const { at } = openWorktree(repo, from);
    await git(['update-ref', '--no-deref', '-m', 'baton: adopt', 'HEAD', to], inWorktree(at, c));
    setLock(at, PARKED);
    mkdirSync(dirname(dir), { recursive: true });
    if (existsSync(dir)) rmdirSync(dir);
    await git(['worktree', 'move', '--force', '--force', '--', from, dir], { cwd: repo.path, ...c });
    // The start first: a branch without one is one prepareWorktree refuses; a start without its
    // branch, it writes over.
    if (hadStart === undefined)
      await updateRef(repo, startRef(branchRef), start, null, 'baton: branch start', c);
    if (tip !== to) await updateRef(repo, branchRef, to, tip ?? '', 'baton: adopt', c);
    const moved = openWorktree(repo, dir).at;
    await git(['symbolic-ref', '-m', 'baton: adopt', 'HEAD', branchRef], inWorktree(moved, c));
    setLock(moved, null);
    return { at: moved, adopted: { dir, branch: input.branch, startCommit: hadStart ?? start } };
  });
  if (done === null) return null;
  // What the winner left untracked goes (no later attempt commits what nobody reviewed); ignored
  // files (`node_modules`, a build) stay, as in one attempt's worktree.
  await git(['clean', '-q', '-ffd'], inWorktree(done.at, c));
  return done.adopted;
}

/** Every value, or the error of the first (in the given order) that failed, once all have ended. */
async function allOrFirstError<T extends readonly unknown[]>(
  all: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(all);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
