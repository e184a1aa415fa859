import type { Db } from './db.ts';

/** What a `diff_review` approval showed: the attempt and the commit reviewed (migration 016). */
export interface DiffReviewRecord {
  approval_id: string;
  run_id: string;
  task_id: string;
  attempt: number;
  workspace_id: string;
  branch: string;
  start_commit: string;
  commit: string;
}

type Row = Omit<DiffReviewRecord, 'commit'> & { commit_id: string };

const toRecord = ({ commit_id, ...r }: Row): DiffReviewRecord => ({ ...r, commit: commit_id });

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
