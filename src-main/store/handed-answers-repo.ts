import type { Db } from './db.ts';

/** A decision handed to the process that executes its run (`src-main/app/handed-answers.ts`). */
export interface HandedAnswer {
  approval_id: string;
  run_id: string;
  /** The decision as `approvals.decide` took it, and who made it (JSON). */
  decision: string;
  handed_at: string;
}

export function createHandedAnswersRepo(db: Db) {
  const insert = db.prepare(
    'INSERT INTO handed_answers (approval_id, run_id, decision, handed_at) VALUES (@approval_id, @run_id, @decision, @handed_at) ON CONFLICT DO NOTHING',
  );
  const all = db.prepare<[], HandedAnswer>('SELECT * FROM handed_answers ORDER BY handed_at, rowid');
  const get = db.prepare<[string], HandedAnswer>('SELECT * FROM handed_answers WHERE approval_id = ?');
  const remove = db.prepare<[string]>('DELETE FROM handed_answers WHERE approval_id = ?');
  return {
    /** False when an answer to this approval was handed already and waits. */
    hand(a: HandedAnswer): boolean {
      return insert.run(a).changes === 1;
    },
    get: (approvalId: string): HandedAnswer | undefined => get.get(approvalId),
    all: (): HandedAnswer[] => all.all(),
    /** False when another process took it first. */
    take: (approvalId: string): boolean => remove.run(approvalId).changes === 1,
  };
}
