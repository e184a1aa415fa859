import type { ConflictFile, ConflictKind } from '../../../../src-shared/schemas/approval.ts';
import { CONFLICT_KINDS } from '../../../../src-shared/schemas/approval.ts';
import type { MergeConflictRecord } from '../../../engine/coding-records.ts';
import type { Db } from '../../../store/db.ts';

interface Row {
  approval_id: string;
  run_id: string;
  task_id: string;
  attempt: number;
  dir: string;
  merging: string;
  into_branch: string;
  from_branches: string;
  files: string;
  again: string | null;
}

export type { MergeConflictRecord };

const KINDS: ReadonlySet<string> = new Set(CONFLICT_KINDS);
const isConflictKind = (k: unknown): k is ConflictKind => typeof k === 'string' && KINDS.has(k);

/** The stored files, each kept as a path with its kind when it is one Baton knows (else null). */
function filesOf(json: string): ConflictFile[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((f: unknown) => {
    if (typeof f !== 'object' || f === null || !('path' in f) || typeof f.path !== 'string') return [];
    return [{ path: f.path, kind: 'kind' in f && isConflictKind(f.kind) ? f.kind : null }];
  });
}

const toRecord = (r: Row): MergeConflictRecord => ({
  approval_id: r.approval_id,
  run_id: r.run_id,
  task_id: r.task_id,
  attempt: r.attempt,
  dir: r.dir,
  merging: r.merging,
  into: r.into_branch,
  from: JSON.parse(r.from_branches) as string[],
  files: filesOf(r.files),
  again: r.again,
});

/** What each `merge_conflict` approval asks about (migration 013). */
export function createMergeConflictsRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO merge_conflict_approvals (approval_id, run_id, task_id, attempt, dir,
    merging, into_branch, from_branches, files, again) VALUES (@approval_id, @run_id, @task_id, @attempt, @dir,
    @merging, @into, @from, @files, @again)`);
  const get = db.prepare<[string], Row>('SELECT * FROM merge_conflict_approvals WHERE approval_id = ?');
  return {
    insert(r: MergeConflictRecord): void {
      insert.run({ ...r, from: JSON.stringify(r.from), files: JSON.stringify(r.files) });
    },
    get: (approvalId: string): MergeConflictRecord | undefined => {
      const r = get.get(approvalId);
      return r && toRecord(r);
    },
  };
}
export type MergeConflictsRepo = ReturnType<typeof createMergeConflictsRepo>;
