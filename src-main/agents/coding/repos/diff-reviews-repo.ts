import type { DiffReviewRecord } from '../../../engine/coding-records.ts';
import type { Db } from '../../../store/db.ts';

export type { DiffReviewRecord };

type Row = Omit<DiffReviewRecord, 'commit'> & { commit_id: string };

const toRecord = ({ commit_id, ...r }: Row): DiffReviewRecord => ({ ...r, commit: commit_id });

/** What each `diff_review` approval showed: the attempt and the commit reviewed (migration 017). */
export function createDiffReviewsRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO diff_review_attempts (approval_id, run_id, task_id, attempt,
    workspace_id, branch, start_commit, commit_id) VALUES (@approval_id, @run_id, @task_id, @attempt,
    @workspace_id, @branch, @start_commit, @commit)`);
  const get = db.prepare<[string], Row>('SELECT * FROM diff_review_attempts WHERE approval_id = ?');
  return {
    /** Kept with its approval, in the transaction that asks it. */
    insert(r: DiffReviewRecord): void {
      insert.run(r);
    },
    get: (approvalId: string): DiffReviewRecord | undefined => {
      const row = get.get(approvalId);
      return row ? toRecord(row) : undefined;
    },
  };
}
export type DiffReviewsRepo = ReturnType<typeof createDiffReviewsRepo>;
