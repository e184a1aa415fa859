import type { ChangedFile } from '../../../src-shared/schemas/workspace.ts';
import type { DiffFilePart } from './diff-review.ts';

/**
 * One line of a diff review's file list: a changed file as the host listed it (the whole list,
 * however long) with its part of the unified diff, when the diff read reaches it (a diff is read
 * up to 1 MB: the files past that have none).
 */
export interface ReviewFile {
  path: string;
  oldPath: string | null;
  status: ChangedFile['status'];
  /** Null for a binary file. */
  additions: number | null;
  deletions: number | null;
  part: DiffFilePart | null;
}

/**
 * The review's files: those the host listed, each with its part of the diff; without a list
 * (an older host), the diff's own files.
 */
export function reviewFiles(
  listed: readonly ChangedFile[] | null,
  parts: readonly DiffFilePart[],
): ReviewFile[] {
  const byPath = new Map(parts.map((p) => [p.path, p]));
  if (listed === null || listed.length === 0)
    return parts.map((p) => ({
      path: p.path,
      oldPath: p.oldPath !== null && p.oldPath !== p.path ? p.oldPath : null,
      status: p.status,
      additions: p.binary ? null : p.additions,
      deletions: p.binary ? null : p.deletions,
      part: p,
    }));
  return listed.map((f) => ({
    path: f.path,
    oldPath: f.old_path ?? null,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    part: byPath.get(f.path) ?? null,
  }));
}

/**
 * The files whose path (or former path) holds every word of the query, case aside: `src test`
 * keeps `src/app.test.ts`. An empty query keeps them all.
 */
export function filterFiles(files: readonly ReviewFile[], query: string): readonly ReviewFile[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return files;
  return files.filter((f) => {
    const name = `${f.path}\n${f.oldPath ?? ''}`.toLowerCase();
    return words.every((w) => name.includes(w));
  });
}
