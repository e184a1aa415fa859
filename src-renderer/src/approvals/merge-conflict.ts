import type { ConflictFile, ConflictKind } from '../../../src-shared/schemas/approval.ts';

/**
 * How git left a conflicting file, in a person's words: "us" is the task's branch (where the
 * merge happens), "them" the dependency branch being merged into it.
 */
export const CONFLICT_KIND_LABELS: { [K in ConflictKind]: string } = {
  both_modified: 'changed on both sides',
  both_added: 'added on both sides',
  deleted_by_us: 'deleted on the task’s branch, changed on the merged one',
  deleted_by_them: 'changed on the task’s branch, deleted on the merged one',
  added_by_us: 'added on the task’s branch only (renamed on the merged one)',
  added_by_them: 'added on the merged branch only (renamed on the task’s)',
  both_deleted: 'deleted on both sides (renamed apart)',
};

/** The words for a file's conflict, or null when git did not say (asked before kinds were kept). */
export const conflictKindLabel = (f: ConflictFile): string | null =>
  f.kind === null ? null : CONFLICT_KIND_LABELS[f.kind];
