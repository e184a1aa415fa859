import { dropCheckpoints } from './checkpoints.ts';
import { WorkspaceError } from './errors.ts';
import { git, gitText } from './git.ts';
import { checkBranchName, refTip, requireCommit, startRef } from './refs.ts';
import { withRepoLock } from './repo-lock.ts';
import type { Cancellable } from './repository.ts';
import { cancellable, openRepository } from './repository.ts';
import { listWorktrees } from './worktree-list.ts';

/** The branches Baton makes for coding tasks: `baton/<run>/<task>`. No other branch is ever listed or deleted here. */
export const BATON_BRANCH_PREFIX = 'baton/';

/** One of Baton's task branches, as the repository has it. */
export interface TaskBranch {
  /** `baton/<run>/<task>`. */
  name: string;
  tip: string;
  /** Its tip's committer date (ISO 8601). */
  committed_at: string;
  /** The commit its task started from (`refs/baton/start/<branch>`); null when Baton did not prepare it. */
  start: string | null;
  /** Whether its tip is in the base branch (merged, or never moved past a start that is). */
  merged: boolean;
  /** The worktree it is checked out in (a run's, a kept one, a person's), null when none. */
  checked_out: string | null;
}

export interface ListTaskBranchesInput extends Cancellable {
  repo: string;
  /** The workspace's base branch: a branch whose tip it holds is `merged`. */
  baseBranch: string;
}

/**
 * Baton's task branches in a repository (`refs/heads/baton/*`, nothing else), with their start
 * commits, whether the base branch holds them and where they are checked out: three git
 * processes whatever their number.
 */
export async function listTaskBranches(input: ListTaskBranchesInput): Promise<TaskBranch[]> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const base = await checkBranchName(repo, input.baseBranch, 'baseBranch', c);
  const heads = `refs/heads/${BATON_BRANCH_PREFIX}`;
  const starts = `refs/baton/start/${BATON_BRANCH_PREFIX}`;
  const refs = await gitText(
    [
      'for-each-ref',
      '--format=%(refname)%00%(objectname)%00%(committerdate:iso-strict)',
      '--',
      heads,
      starts,
    ],
    { cwd: repo.path, ...c },
  );
  const merged = new Set(
    (
      await gitText(['for-each-ref', '--format=%(refname)', `--merged=${base}`, '--', heads], {
        cwd: repo.path,
        ...c,
      })
    )
      .split('\n')
      .filter(Boolean),
  );
  const holders = new Map<string, string>();
  for (const w of await listWorktrees(repo, c)) if (w.branch !== null) holders.set(w.branch, w.path);
  const startOf = new Map<string, string>();
  const branches: TaskBranch[] = [];
  for (const line of refs.split('\n')) {
    const [ref = '', tip = '', date = ''] = line.split('\0');
    if (ref.startsWith(starts)) startOf.set(ref.slice('refs/baton/start/'.length), tip);
    else if (ref.startsWith(heads)) {
      const name = ref.slice('refs/heads/'.length);
      branches.push({
        name,
        tip,
        committed_at: date,
        start: null,
        merged: merged.has(ref),
        checked_out: holders.get(name) ?? null,
      });
    }
  }
  for (const b of branches) b.start = startOf.get(b.name) ?? null;
  return branches;
}

export interface DeleteTaskBranchesInput extends Cancellable {
  repo: string;
  /** Each branch and the tip it must still have (it moved since it was listed: it is left). */
  branches: readonly { name: string; tip: string }[];
}

export interface DeletedTaskBranches {
  deleted: string[];
  /** Branches left, and why: checked out in a worktree, moved since listed, not Baton's. */
  left: { name: string; why: string }[];
}

/**
 * Deletes Baton's task branches (and the start refs Baton kept for them), one at a time under
 * the repository lock, each only if it still points where the caller saw it. Never a branch
 * outside `baton/`, never one checked out in any worktree (a run's, a kept one, a person's):
 * those are left, with the reason.
 */
export async function deleteTaskBranches(input: DeleteTaskBranchesInput): Promise<DeletedTaskBranches> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const out: DeletedTaskBranches = { deleted: [], left: [] };
  await withRepoLock(repo.commonDir, async () => {
    const holders = new Map<string, string>();
    for (const w of await listWorktrees(repo, c)) if (w.branch !== null) holders.set(w.branch, w.path);
    for (const b of input.branches) {
      if (!b.name.startsWith(BATON_BRANCH_PREFIX)) {
        out.left.push({ name: b.name, why: 'not a branch of Baton’s (baton/<run>/<task>)' });
        continue;
      }
      let ref: string;
      try {
        ref = await checkBranchName(repo, b.name, 'branch', c);
      } catch (err) {
        if (!(err instanceof WorkspaceError)) throw err;
        out.left.push({ name: b.name, why: err.message });
        continue;
      }
      const holder = holders.get(b.name);
      if (holder !== undefined) {
        out.left.push({ name: b.name, why: `checked out in ${holder}` });
        continue;
      }
      const tip = await refTip(repo, ref, c);
      if (tip === null) {
        out.left.push({ name: b.name, why: 'no such branch (deleted already?)' });
        continue;
      }
      if (tip !== b.tip) {
        out.left.push({ name: b.name, why: `it moved to ${tip.slice(0, 12)} since it was listed` });
        continue;
      }
      // Compare-and-swap: a branch that moves between this look and the deletion is left too.
      const { exitCode, stderr } = await git(['update-ref', '-d', ref, b.tip], {
        cwd: repo.path,
        retryOnLock: true,
        okExitCodes: [1, 128],
        ...c,
      });
      if (exitCode !== 0) {
        out.left.push({ name: b.name, why: stderr.trim().split('\n')[0] ?? 'git refused' });
        continue;
      }
      const start = startRef(ref);
      if ((await refTip(repo, start, c)) !== null)
        await git(['update-ref', '-d', start], { cwd: repo.path, retryOnLock: true, ...c });
      // Its turns' checkpoints (checkpoints.ts) go with it.
      await dropCheckpoints(repo, b.name, c);
      out.deleted.push(b.name);
    }
  });
  return out;
}

/** Where branch `name` points now, or null when there is no such branch. */
export async function branchTip(
  input: Cancellable & { repo: string; branch: string },
): Promise<string | null> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  return refTip(repo, await checkBranchName(repo, input.branch, 'branch', c), c);
}

/** A commit's whole message (`git log -1 --format=%B`). */
export async function commitMessage(input: Cancellable & { repo: string; commit: string }): Promise<string> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const commit = await requireCommit(repo, input.commit, 'commit', c);
  return (await gitText(['log', '-1', '--format=%B', commit, '--'], { cwd: repo.path, ...c })).trimEnd();
}
