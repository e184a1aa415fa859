import { WorkspaceError } from './errors.ts';
import { GitError } from './git.ts';
import type { MergeConflict, MergeStepKind } from './merge.ts';
import { mergeInto } from './merge.ts';
import { checkBranchName, refTip, requireBranch, updateRef } from './refs.ts';
import { withRepoLock } from './repo-lock.ts';
import type { Cancellable, Repository } from './repository.ts';
import { cancellable, openRepository } from './repository.ts';
import { listWorktrees } from './worktree-list.ts';

export interface MergeBranchesInput extends Cancellable {
  repo: string;
  /** The branch that receives the run's results (it must exist, unless `createFrom` is given). */
  target: string;
  /**
   * Makes `target` a new branch, started at this branch's tip (the workspace's base branch):
   * `target` must not exist yet. Without it, `target` must exist.
   */
  createFrom?: string;
  /** The final branches, merged in this order. */
  branches: readonly string[];
  /** `ff`: fast-forward when the target has nothing the branch lacks, else a merge commit; `merge`: always a merge commit. */
  mode: 'ff' | 'merge';
}

export interface BranchesMerged {
  ok: true;
  target: string;
  /** The branch a new target was made from; null when the target existed. */
  createdFrom: string | null;
  /** The target's commit before and after (a new target: the commit it was made at). */
  before: string;
  after: string;
  steps: { branch: string; how: MergeStepKind }[];
}

/** A branch that does not merge: the target did not move. */
export interface BranchesConflict {
  ok: false;
  conflict: MergeConflict & {
    /** The branch that did not merge. */
    branch: string;
    /** Those merged before it (their merge was not kept either). */
    mergedBefore: string[];
  };
}

/**
 * Merges a run's final branches into `target`. The merge is made in git's object store
 * (`merge-tree`, `commit-tree`) and the target moves once, at the end, from the commit it was
 * at (compare-and-swap): no working tree is used, so the user's checkout, index and files are
 * never touched, and a conflict leaves everything as it was. A target checked out in a
 * worktree (the user's checkout, typically) is refused: moving it would leave that checkout's
 * files behind its HEAD; the person merges there with git, or picks another target.
 */
export async function mergeBranches(input: MergeBranchesInput): Promise<BranchesMerged | BranchesConflict> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  if (input.mode !== 'ff' && input.mode !== 'merge') {
    throw new WorkspaceError(
      'invalid_ref',
      `mode: ${JSON.stringify(input.mode)} is neither "ff" nor "merge"`,
      { field: 'mode' },
    );
  }
  const target =
    input.createFrom === undefined
      ? await requireBranch(repo, input.target, 'target', c)
      : await newBranchAt(repo, input.target, input.createFrom, c);
  const created = input.createFrom !== undefined;
  const tips: string[] = [];
  for (const [i, branch] of input.branches.entries()) {
    tips.push((await requireBranch(repo, branch, `branches[${i}]`, c)).tip);
  }
  return withRepoLock(repo.commonDir, async () => {
    const holder = (await listWorktrees(repo, c)).find((e) => e.branch === input.target && !e.missing);
    if (holder) {
      throw new WorkspaceError(
        'target_checked_out',
        `target: ${input.target} is checked out at ${holder.path}; Baton does not move a branch under a checkout (its files would fall behind). Merge there with git, or merge into another branch`,
        { field: 'target', worktree: holder.path },
      );
    }
    const now = await refTip(repo, target.ref, c);
    if (created && now !== null) throw branchExists(repo, input.target);
    const before = now ?? target.tip;
    const result = await mergeInto(
      repo,
      before,
      tips,
      (i) =>
        `Merge branch '${input.branches[i]}' into ${input.target}\n\nMerged by Baton at the end of a run.\n`,
      input.mode === 'ff',
      c,
    );
    if (!result.ok) {
      return {
        ok: false,
        conflict: {
          ...result.conflict,
          branch: input.branches[result.at]!,
          mergedBefore: input.branches.slice(0, result.at),
        },
      };
    }
    if (result.commit !== before || created) {
      try {
        await updateRef(
          repo,
          target.ref,
          result.commit,
          // A new branch must still not exist: one made meanwhile is not overwritten.
          created ? '' : before,
          `baton: merge ${input.branches.join(', ')}`,
          c,
        );
      } catch (e) {
        if (created && e instanceof GitError && /already exists|but expected|is at/.test(e.stderr))
          throw branchExists(repo, input.target);
        if (e instanceof GitError && /but expected|is at/.test(e.stderr)) {
          throw new WorkspaceError(
            'target_moved',
            `target: ${input.target} moved while Baton merged into it; nothing was changed, try again`,
            {
              field: 'target',
            },
          );
        }
        throw e;
      }
    }
    const steps = result.steps.map((how, i) => ({ branch: input.branches[i]!, how }));
    return {
      ok: true,
      target: input.target,
      createdFrom: input.createFrom ?? null,
      before,
      after: result.commit,
      steps,
    };
  });
}

/** A target to make: a valid name no branch has yet, and the tip of the branch it starts from. */
async function newBranchAt(
  repo: Repository,
  name: string,
  from: string,
  c: Cancellable,
): Promise<{ ref: string; tip: string }> {
  const ref = await checkBranchName(repo, name, 'target', c);
  if ((await refTip(repo, ref, c)) !== null) throw branchExists(repo, name);
  const base = await requireBranch(repo, from, 'base_branch', c);
  return { ref, tip: base.tip };
}

function branchExists(repo: Repository, name: string): WorkspaceError {
  return new WorkspaceError(
    'branch_exists',
    `target: branch ${name} already exists in ${repo.path}; name a new branch, or merge into ${name} as a branch that exists`,
    { field: 'target', branch: name },
  );
}
