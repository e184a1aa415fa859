import { existsSync } from 'node:fs';
import type { ConflictFile } from '../../../../src-shared/schemas/approval.ts';
import { hasMarkers, unmergedFiles } from './conflict-worktree.ts';
import { git, gitText } from './git.ts';
import type { Cancellable } from './repository.ts';
import { cancellable, openRepository } from './repository.ts';
import { inWorktree, openWorktree } from './worktree-open.ts';

export interface BaseMergeInput extends Cancellable {
  repo: string;
  /** The task's worktree (made already) and its branch. */
  dir: string;
  branch: string;
  /** The base branch that moved, and the commit it moved to (fetched into the repository). */
  base: { branch: string; commit: string };
}

export type BaseMergeStep =
  /** The base is in the branch's history (merged by git, or by a person who resolved it). */
  | { ok: true; head: string }
  /** The merge waits in the worktree on these files, each with how git left it. */
  | { ok: false; files: string[]; conflicts: ConflictFile[] };

/**
 * The base of a pull request merged into the task's branch in its worktree, for a person to
 * resolve what conflicts (a pull request's base moved, `on_conflict: "ask"`). Stateless, so a
 * restart takes it up where it is: a merge a person resolved is concluded (files without conflict
 * markers are added for them), a base already in the branch's history is done, else the base is
 * merged (`git merge --no-ff`) and what conflicts is left in the worktree.
 */
export async function baseMergeStep(input: BaseMergeInput): Promise<BaseMergeStep> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const at = inWorktree(openWorktree(repo, input.dir).at, c);
  const head = () => gitText(['rev-parse', '--verify', 'HEAD'], at);
  const inMerge = async () =>
    existsSync(await gitText(['rev-parse', '--path-format=absolute', '--git-path', 'MERGE_HEAD'], at));
  const waits = (conflicts: ConflictFile[]): BaseMergeStep => ({
    ok: false,
    files: conflicts.map((f) => f.path),
    conflicts,
  });
  if (await inMerge()) {
    const left: ConflictFile[] = [];
    for (const f of unmergedFiles(await gitText(['ls-files', '--unmerged', '-z'], at))) {
      if (await hasMarkers(input.dir, f.path)) left.push(f);
      else await git(['add', '-A', '--', f.path], { ...at, retryOnLock: true });
    }
    if (left.length > 0) return waits(left);
    await git(['commit', '--quiet', '--no-verify', '--no-edit'], { ...at, retryOnLock: true });
  }
  const now = await head();
  const merged = await git(['merge-base', '--is-ancestor', input.base.commit, now], {
    ...at,
    okExitCodes: [1],
  });
  if (merged.exitCode === 0) return { ok: true, head: now };
  const tried = await git(
    [
      'merge',
      '--no-ff',
      '--no-edit',
      '-m',
      `Merge ${input.base.branch} (${input.base.commit.slice(0, 12)}) into ${input.branch}\n\nThe pull request's base moved and conflicted; merged for a person to resolve.`,
      input.base.commit,
    ],
    { ...at, okExitCodes: [1] },
  );
  if (tried.exitCode === 0) return { ok: true, head: await head() };
  const files = unmergedFiles(await gitText(['ls-files', '--unmerged', '-z'], at));
  if (files.length === 0) throw new Error(`git merge of ${input.base.branch} failed: ${tried.stderr.trim()}`);
  return waits(files);
}
