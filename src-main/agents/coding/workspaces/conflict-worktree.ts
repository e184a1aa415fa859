import { existsSync, readFileSync } from 'node:fs';
import type { ConflictFile, ConflictKind } from '../../../../src-shared/schemas/approval.ts';
import { ConfinedFolder } from '../../../files/confined-folder.ts';
import { git, gitText } from './git.ts';
import { checkBranchName, isAncestor, readRefs, requireCommit, startRef, updateRef } from './refs.ts';
import { withRepoLock } from './repo-lock.ts';
import type { Cancellable } from './repository.ts';
import { cancellable, checkWorktreeDir, openRepository } from './repository.ts';
import { inWorktree, openWorktree, recordedGitDir } from './worktree-open.ts';
import type { DependencyBranch } from './worktrees.ts';

/**
 * A task whose dependencies' branches conflict, with `on_conflict: "ask"`: the merge is done in
 * the task's own worktree, where a person can resolve it (`prepareWorktree` merges without a
 * working tree and leaves nothing behind on a conflict). Stateless, so an attempt after a
 * restart picks it up where it is: the branch starts at the first dependency, the others are
 * merged in order with `git merge --no-ff`, each one already in the branch skipped; the first
 * that conflicts stays in progress in the worktree. Once every dependency is in, the branch's
 * start is recorded, and `prepareWorktree` then finds the worktree as `reused`.
 */

export interface ConflictStepInput extends Cancellable {
  repo: string;
  /** The task's branch and worktree folder, as for `prepareWorktree`. */
  branch: string;
  dir: string;
  from: readonly DependencyBranch[];
}

export type ConflictStep =
  /** Every dependency is merged (by git or by a person) and the branch's start recorded. */
  | { ok: true; start: string }
  /**
   * A merge waits in the worktree: the files still unresolved (`conflicts`: each with how git left
   * it), and the branch being merged.
   */
  | { ok: false; dir: string; files: string[]; conflicts: ConflictFile[]; merging: string };

/** Whether the task's branch was begun here for a person to resolve a conflict, and not yet finished. */
export async function conflictInProgress(input: Omit<ConflictStepInput, 'from'>): Promise<boolean> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const ref = await checkBranchName(repo, input.branch, 'branch', c);
  const refs = await readRefs(repo, [ref, startRef(ref)], c);
  const dir = checkWorktreeDir(repo, input.dir);
  return refs.has(ref) && !refs.has(startRef(ref)) && existsSync(dir) && recordedGitDir(repo, dir) !== null;
}

/**
 * Goes as far as it can: makes the branch and worktree if they are not there, concludes a merge
 * a person resolved (files without conflict markers are added for them), merges the next
 * dependencies, and stops at the first conflict.
 */
export async function conflictStep(input: ConflictStepInput): Promise<ConflictStep> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const dir = checkWorktreeDir(repo, input.dir);
  const ref = await checkBranchName(repo, input.branch, 'branch', c);
  const deps: { branch: string; commit: string; label: string }[] = [];
  for (const [i, d] of input.from.entries())
    deps.push({
      branch: d.branch,
      commit: await requireCommit(repo, d.commit ?? d.branch, `from[${i}].commit`, c),
      label: d.label ?? d.branch,
    });
  const first = deps[0];
  if (!first) throw new Error('from: a conflict needs at least two dependency branches');

  await withRepoLock(repo.commonDir, async () => {
    const refs = await readRefs(repo, [ref], c);
    if (!refs.has(ref))
      await git(['worktree', 'add', '--quiet', '-b', input.branch, '--', dir, first.commit], {
        cwd: repo.path,
        retryOnLock: true,
        ...c,
      });
  });
  const at = inWorktree(openWorktree(repo, dir).at, c);

  const merging = async (): Promise<string | null> => {
    const path = await gitText(['rev-parse', '--path-format=absolute', '--git-path', 'MERGE_HEAD'], at);
    return existsSync(path) ? readFileSync(path, 'utf8').trim() : null;
  };
  const unresolved = async (): Promise<ConflictFile[]> =>
    unmergedFiles(await gitText(['ls-files', '--unmerged', '-z'], at));
  const waits = (conflicts: ConflictFile[], merging: string): ConflictStep => ({
    ok: false,
    dir,
    files: conflicts.map((f) => f.path),
    conflicts,
    merging,
  });
  const labelOf = (commit: string | null) =>
    deps.find((d) => d.commit === commit)?.branch ?? commit ?? 'a dependency';

  for (;;) {
    const inMerge = await merging();
    if (inMerge !== null) {
      // A person's resolution: files they fixed but did not `git add` are added, unless markers remain.
      const left: ConflictFile[] = [];
      for (const f of await unresolved()) {
        if (await hasMarkers(dir, f.path)) left.push(f);
        else await git(['add', '-A', '--', f.path], { ...at, retryOnLock: true });
      }
      if (left.length > 0) return waits(left, labelOf(inMerge));
      await git(['commit', '--quiet', '--no-verify', '--no-edit'], { ...at, retryOnLock: true });
    }
    const head = await gitText(['rev-parse', '--verify', 'HEAD'], at);
    let next: (typeof deps)[number] | undefined;
    for (const d of deps) {
      if (!(await isAncestor(repo, d.commit, head, c))) {
        next = d;
        break;
      }
    }
    if (!next) {
      await withRepoLock(repo.commonDir, () =>
        updateRef(repo, startRef(ref), head, null, 'baton: branch start (a conflict resolved)', c),
      );
      return { ok: true, start: head };
    }
    const names = deps.map((d) => d.branch).join(', ');
    const merged = await git(
      [
        'merge',
        '--no-ff',
        '--no-edit',
        '-m',
        `Merge ${next.label} (${next.branch}) into ${input.branch}\n\nBaton starts ${input.branch} from its dependencies, merged in order: ${names}.`,
        next.commit,
      ],
      { ...at, okExitCodes: [1] },
    );
    if (merged.exitCode !== 0) {
      const files = await unresolved();
      if (files.length === 0 && (await merging()) === null)
        throw new Error(`git merge of ${next.branch} failed: ${merged.stderr.trim()}`);
      if (files.length > 0) return waits(files, next.branch);
    }
  }
}

/**
 * The files `git ls-files --unmerged -z` lists (`<mode> <object> <stage>\t<path>` NUL, one entry
 * per stage present), each once, with how git left it, read from which stages it has: 1 the
 * common ancestor's, 2 ours (the task's branch), 3 theirs (the branch being merged).
 */
export function unmergedFiles(out: string): ConflictFile[] {
  const stages = new Map<string, Set<string>>();
  for (const entry of out.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const path = entry.slice(tab + 1);
    const stage = entry.slice(0, tab).split(' ')[2] ?? '';
    const seen = stages.get(path) ?? new Set<string>();
    seen.add(stage);
    stages.set(path, seen);
  }
  return [...stages].map(([path, s]) => ({ path, kind: KIND_OF_STAGES[[...s].sort().join('')] ?? null }));
}

const KIND_OF_STAGES: Record<string, ConflictKind> = {
  '123': 'both_modified',
  '23': 'both_added',
  '12': 'deleted_by_them',
  '13': 'deleted_by_us',
  '2': 'added_by_us',
  '3': 'added_by_them',
  '1': 'both_deleted',
};

/**
 * Whether a file of the worktree still holds git's conflict markers (a line starting `<<<<<<< `
 * or `>>>>>>> `). Read without following a symbolic link and only as a regular file: whoever
 * resolves (a person, the CLI) can leave a link or a FIFO there, which must not make Baton read
 * elsewhere or wait forever; a link, like a deleted file, holds no markers.
 */
export async function hasMarkers(dir: string, path: string): Promise<boolean> {
  let file: Awaited<ReturnType<ConfinedFolder['file']>>;
  try {
    file = await new ConfinedFolder(dir).file(path);
  } catch {
    return false; // deleted as the resolution, or no regular file
  }
  try {
    return /^(<{7}|>{7})( |$)/m.test(await file.handle.readFile('utf8'));
  } finally {
    await file.handle.close();
  }
}
