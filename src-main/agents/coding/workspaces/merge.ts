import { git, gitText } from './git.ts';
import { isAncestor } from './refs.ts';
import type { Cancellable, Repository } from './repository.ts';

/**
 * Merging without a working tree: `git merge-tree --write-tree` computes the merge of two
 * commits as git's own merge (ort) does and writes the tree; `git commit-tree` makes the merge
 * commit. Nothing is checked out, no index is touched, no ref moves: a conflict leaves
 * nothing behind, and the user's checkout is never involved. Requires git 2.38.
 */

/** Two branches that cannot be merged as they are. */
export interface MergeConflict {
  /** Files with conflicts (both changed the same lines, one changed and one deleted…). */
  files: string[];
  /** git's words for each conflict (`CONFLICT (content): Merge conflict in src/a.ts`). */
  messages: string[];
}

export type TreeMerge = { ok: true; tree: string } | { ok: false; conflict: MergeConflict };

export async function mergeTrees(
  repo: Repository,
  ours: string,
  theirs: string,
  opts: Cancellable = {},
): Promise<TreeMerge> {
  const { stdout, exitCode } = await git(['merge-tree', '--write-tree', '-z', '--name-only', ours, theirs], {
    cwd: repo.path,
    okExitCodes: [1],
    ...opts,
  });
  const fields = stdout.toString('utf8').split('\0');
  if (exitCode === 0) return { ok: true, tree: fields[0]! };
  // <tree> NUL <file> NUL … NUL NUL, then per message: <n> NUL <n paths> NUL <type> NUL <text> NUL
  let i = 1;
  const files: string[] = [];
  while (i < fields.length && fields[i] !== '') files.push(fields[i++]!);
  i++;
  const messages: string[] = [];
  while (i < fields.length) {
    const n = Number(fields[i]);
    if (!Number.isInteger(n) || n < 0) break;
    const type = fields[i + 1 + n];
    const text = fields[i + 2 + n];
    if (text === undefined) break;
    if (type?.startsWith('CONFLICT')) messages.push(text.trim());
    i += 3 + n;
  }
  return { ok: false, conflict: { files, messages } };
}

/** A merge commit of `tree` with these parents, by Baton. */
export async function commitTree(
  repo: Repository,
  tree: string,
  parents: readonly string[],
  message: string,
  opts: Cancellable = {},
): Promise<string> {
  const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'];
  return gitText(args, { cwd: repo.path, input: message, ...opts });
}

/** How one branch came into the result of `mergeInto`. */
export type MergeStepKind = 'fast-forward' | 'merge' | 'already-merged';

export type MergeResult =
  | { ok: true; commit: string; steps: MergeStepKind[] }
  | { ok: false; at: number; conflict: MergeConflict };

/**
 * Merges `commits` into `start`, in order. Each one already contained is skipped; with
 * `fastForward`, one that contains everything so far is taken as is; otherwise a merge
 * commit is made (as `git merge --no-ff` would), with `message(i)`. Stops at the first
 * conflict, returning its index: only unreferenced objects were written.
 */
export async function mergeInto(
  repo: Repository,
  start: string,
  commits: readonly string[],
  message: (index: number) => string,
  fastForward: boolean,
  opts: Cancellable = {},
): Promise<MergeResult> {
  let head = start;
  const steps: MergeStepKind[] = [];
  for (const [i, commit] of commits.entries()) {
    if (await isAncestor(repo, commit, head, opts)) {
      steps.push('already-merged');
      continue;
    }
    if (fastForward && (await isAncestor(repo, head, commit, opts))) {
      head = commit;
      steps.push('fast-forward');
      continue;
    }
    const merged = await mergeTrees(repo, head, commit, opts);
    if (!merged.ok) return { ok: false, at: i, conflict: merged.conflict };
    head = await commitTree(repo, merged.tree, [head, commit], message(i), opts);
    steps.push('merge');
  }
  return { ok: true, commit: head, steps };
}
