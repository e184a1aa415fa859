import type { GitOptions } from './git.ts';
import { git, gitText } from './git.ts';
import { requireCommit } from './refs.ts';
import type { Cancellable } from './repository.ts';
import { cancellable, openRepository } from './repository.ts';
import { inWorktree, openWorktree } from './worktree-open.ts';

export type FileChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed';

/** One file an attempt changed. */
export interface FileChange {
  path: string;
  /** Where a renamed file was. */
  oldPath?: string;
  status: FileChangeStatus;
  /** Lines added and deleted; null for a binary file. */
  additions: number | null;
  deletions: number | null;
  binary: boolean;
}

export interface DiffSinceInput extends Cancellable {
  /** The workspace's repository (see `commitLeftovers`). */
  repo: string;
  /** The attempt's worktree. */
  dir: string;
  /** The start commit (`prepareWorktree`'s `startCommit`). */
  base: string;
  /**
   * The worktree's HEAD, when the caller has just read or made it (`commitLeftovers`' head): not
   * asked of git again, only checked to be a commit of the repository. Else HEAD is read.
   */
  head?: string;
  /** The unified diff is cut past this many bytes (default 5 MB); the file list is always whole. */
  maxPatchBytes?: number;
}

export interface DiffSince {
  base: string;
  /** The worktree's HEAD the diff goes to. */
  head: string;
  files: FileChange[];
  additions: number;
  deletions: number;
  /** The unified diff (`git diff -M base head`), cut at a line end when too large. */
  patch: string;
  /** Bytes of the whole unified diff. */
  patchBytes: number;
  /** When cut, what a reader is told. */
  truncatedNote: string | null;
}

const MB = 1024 * 1024;
const DIFF_FLAGS = ['-M', '--no-ext-diff', '--no-textconv', '--no-color'];

/** What the task changed: from its start commit to the worktree's HEAD (commit leftovers first). */
export async function diffSince(input: DiffSinceInput): Promise<DiffSince> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const at = inWorktree(openWorktree(repo, input.dir).at, c);
  const head =
    input.head === undefined
      ? await gitText(['rev-parse', '--verify', 'HEAD^{commit}'], at)
      : await requireCommit(repo, input.head, 'head', c);
  const base = await requireCommit(repo, input.base, 'base', c);
  return diffOf(at, base, head, input.maxPatchBytes);
}

/**
 * The paths of a worktree that differ from `base`: committed since, changed and not committed,
 * or new and not ignored. For the attempt's log, before anything is committed.
 */
export async function worktreeChangesSince(input: Omit<DiffSinceInput, 'maxPatchBytes'>): Promise<string[]> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const at = inWorktree(openWorktree(repo, input.dir).at, c);
  const base = await requireCommit(repo, input.base, 'base', c);
  const tracked = await gitText(['diff', '--name-only', '-z', '--no-renames', base, '--'], at);
  const untracked = await gitText(['ls-files', '--others', '--exclude-standard', '-z'], at);
  return [...new Set([...tracked.split('\0'), ...untracked.split('\0')].filter(Boolean))];
}

export interface DiffCommitsInput extends Cancellable {
  repo: string;
  /** The commit the diff starts from (a task's start commit). */
  base: string;
  /** The commit it goes to (a branch's tip: its kept work). */
  head: string;
  /** As for `diffSince`; 0: no unified diff, the files and counts only. */
  maxPatchBytes?: number;
}

/** What changed from one commit of the repository to another, without a worktree (a branch kept after its worktree went). */
export async function diffCommits(input: DiffCommitsInput): Promise<DiffSince> {
  const c = cancellable(input);
  const repo = await openRepository(input.repo, c);
  const base = await requireCommit(repo, input.base, 'base', c);
  const head = await requireCommit(repo, input.head, 'head', c);
  return diffOf({ cwd: repo.path, ...c }, base, head, input.maxPatchBytes);
}

async function diffOf(
  at: GitOptions,
  base: string,
  head: string,
  maxPatchBytes: number | undefined,
): Promise<DiffSince> {
  const raw = await git(['diff', '--raw', '--numstat', '-z', ...DIFF_FLAGS, base, head, '--'], {
    ...at,
    maxOutputBytes: 64 * MB,
  });
  const files = parseRawNumstat(raw.stdout.toString('utf8'));
  const max = maxPatchBytes ?? 5 * MB;
  // No unified diff asked for (0 bytes): the file list and counts only.
  const patch =
    max === 0
      ? { stdout: Buffer.alloc(0), truncated: false, totalBytes: 0 }
      : await git(['diff', ...DIFF_FLAGS, base, head, '--'], {
          ...at,
          maxOutputBytes: max,
          overflow: 'truncate',
        });
  let text = patch.stdout.toString('utf8');
  let truncatedNote: string | null = null;
  if (patch.truncated) {
    const cut = patch.stdout.lastIndexOf(10); // at the last whole line
    text = patch.stdout.subarray(0, cut + 1).toString('utf8');
    truncatedNote = `the diff is ${formatSize(patch.totalBytes)}: only its first ${formatSize(max)} are shown; the list of ${files.length} changed files is complete`;
  }
  let additions = 0;
  let deletions = 0;
  for (const f of files) {
    additions += f.additions ?? 0;
    deletions += f.deletions ?? 0;
  }
  return {
    base,
    head,
    files,
    additions,
    deletions,
    patch: text,
    patchBytes: patch.totalBytes,
    truncatedNote,
  };
}

function formatSize(bytes: number): string {
  return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * `git diff --raw --numstat -z`: raw records first (`:<modes> <ids> <status>` NUL path NUL
 * [new path NUL]), then numstat ones (`<added>\t<deleted>\t<path>` NUL, or for a rename
 * `<added>\t<deleted>\t` NUL old NUL new NUL), in the same order.
 */
export function parseRawNumstat(out: string): FileChange[] {
  const fields = out.split('\0');
  const files: FileChange[] = [];
  let i = 0;
  while (i < fields.length && fields[i]!.startsWith(':')) {
    const letter = fields[i]!.split(' ')[4]?.[0] ?? 'M';
    const path = fields[i + 1] ?? '';
    if (letter === 'R' || letter === 'C') {
      files.push({ path: fields[i + 2] ?? '', oldPath: path, status: 'renamed', ...binaryCounts() });
      i += 3;
    } else {
      const status: FileChangeStatus = letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified';
      files.push({ path, status, ...binaryCounts() });
      i += 2;
    }
  }
  for (const file of files) {
    const [added = '-', deleted = '-', path = ''] = (fields[i] ?? '').split('\t');
    i += path === '' ? 3 : 1;
    if (added !== '-') {
      file.additions = Number(added);
      file.deletions = Number(deleted);
      file.binary = false;
    }
  }
  return files;
}

const binaryCounts = () => ({ additions: null, deletions: null, binary: true });
