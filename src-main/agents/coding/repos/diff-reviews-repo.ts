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
  const picked = db.prepare<[string, string, string]>(
    'UPDATE diff_review_attempts SET commit_id = ?, start_commit = ? WHERE approval_id = ?',
  );
  return {
    /** Kept with its approval, in the transaction that asks it. */
    insert(r: DiffReviewRecord): void {
      insert.run(r);
    },
    /** A reviewer of a best-of task picked another candidate: the commit under review is that one's. */
    picked(approvalId: string, commit: string, startCommit: string): void {
      picked.run(commit, startCommit, approvalId);
    },
    get: (approvalId: string): DiffReviewRecord | undefined => {
      const row = get.get(approvalId);
      return row ? toRecord(row) : undefined;
    },
  };
}
export type DiffReviewsRepo = ReturnType<typeof createDiffReviewsRepo>;
