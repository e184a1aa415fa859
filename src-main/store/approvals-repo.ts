import type { Approval, LineComment } from '../../src-shared/schemas/approval.ts';
import type { ApprovalKind, ApprovalStatus } from '../../src-shared/schemas/plain/approval.ts';
import { DECIDED_STATUSES } from '../../src-shared/schemas/plain/approval.ts';
import type { Db } from './db.ts';

export function createApprovalsRepo(db: Db) {
  const all = db.prepare<[], Approval>('SELECT * FROM approvals ORDER BY requested_at');
  const byStatus = db.prepare<[string], Approval>(
    'SELECT * FROM approvals WHERE status = ? ORDER BY requested_at',
  );
  const decided = db.prepare<[number], Approval>(
    `SELECT * FROM approvals WHERE status IN (${DECIDED_STATUSES.map((d) => `'${d}'`).join(', ')})
     ORDER BY decided_at DESC, rowid DESC LIMIT ?`,
  );
  const get = db.prepare<[string], Approval>('SELECT * FROM approvals WHERE id = ?');
  const insert =
    db.prepare(`INSERT INTO approvals (id, run_id, task_id, status, kind, reason, cost, requested_at,
    decided_at, actor, comment) VALUES (@id, @run_id, @task_id, @status, @kind, @reason, @cost, @requested_at,
    @decided_at, @actor, @comment)`);
  const forTask = db.prepare<[string, string], Approval>(
    'SELECT * FROM approvals WHERE run_id = ? AND task_id = ? ORDER BY requested_at, rowid',
  );
  const forRun = db.prepare<[string], Approval>(
    'SELECT * FROM approvals WHERE run_id = ? ORDER BY requested_at, rowid',
  );
  // Pending approvals are few: the status index finds them, each run by its key.
  const openOfPlan = db
    .prepare<[string, string], number>(
      `SELECT count(*) FROM approvals a JOIN runs r ON r.id = a.run_id
       WHERE a.status = 'pending' AND a.kind = ? AND r.plan_id = ?`,
    )
    .pluck();
  const decide = db.prepare(`UPDATE approvals SET status = @status, decided_at = @decided_at, actor = @actor,
    comment = @comment WHERE id = @id AND status = 'pending'`);
  const insertComment =
    db.prepare(`INSERT INTO approval_line_comments (approval_id, seq, path, line, side, body)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const comments = db.prepare<
    [string],
    { path: string; line: number; side: 'old' | 'new' | null; body: string }
  >('SELECT path, line, side, body FROM approval_line_comments WHERE approval_id = ? ORDER BY seq');
  return {
    list: (status?: ApprovalStatus, limit?: number): Approval[] => {
      const rows = status ? byStatus.all(status) : all.all();
      return limit === undefined ? rows : rows.slice(0, limit);
    },
    /** The decided approvals (approved, rejected, changes requested), the latest decided first. */
    decided: (limit = 1_000): Approval[] => decided.all(limit),
    insert(a: Approval): void {
      insert.run(a);
    },
    forTask: (runId: string, taskId: string): Approval[] => forTask.all(runId, taskId),
    listForRun: (runId: string): Approval[] => forRun.all(runId),
    get: (id: string): Approval | undefined => get.get(id),
    /** How many approvals of `kind` wait for a person in the runs of a plan (every run, whichever process executes it). */
    openOfPlan: (planId: string, kind: ApprovalKind): number => openOfPlan.get(kind, planId) ?? 0,
    /** Records a decision; false when the approval was already decided. */
    decide(a: Pick<Approval, 'id' | 'status' | 'decided_at' | 'actor' | 'comment'>): boolean {
      return decide.run(a).changes > 0;
    },
    /** Keeps the line comments of a request for changes with its approval (inside the decision's transaction). */
    addLineComments(approvalId: string, lineComments: readonly LineComment[]): void {
      lineComments.forEach((c, seq) => {
        insertComment.run(approvalId, seq, c.path, c.line, c.side ?? null, c.body);
      });
    },
    /** The line comments a request for changes carried, in the order given. */
    lineComments: (approvalId: string): LineComment[] =>
      comments.all(approvalId).map((c) => ({
        path: c.path,
        line: c.line,
        ...(c.side === null ? {} : { side: c.side }),
        body: c.body,
      })),
  };
}
export type ApprovalsRepo = ReturnType<typeof createApprovalsRepo>;
