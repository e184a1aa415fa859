import type { Db } from '../../../store/db.ts';

/**
 * The workspace ids remote workers say they have (migration 014, `workers.register`'s
 * `workspaces`). The repositories stay on the workers; the server knows only the ids, so that a
 * plan may name one for a worker's coding agents (`workspaceIssues`).
 */
export class WorkerWorkspaces {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      clear: db.prepare<[string]>('DELETE FROM worker_workspaces WHERE worker_id = ?'),
      add: db.prepare<[string, string]>(
        'INSERT OR IGNORE INTO worker_workspaces (worker_id, workspace_id) VALUES (?, ?)',
      ),
      has: db.prepare<[string], { n: number }>(
        'SELECT COUNT(*) AS n FROM worker_workspaces WHERE workspace_id = ?',
      ),
    };
  }

  /** What the worker has now (replacing what it said before); call inside the registration's transaction. */
  set(workerId: string, workspaceIds: readonly string[]): void {
    this.stmts.clear.run(workerId);
    for (const id of workspaceIds) this.stmts.add.run(workerId, id);
  }

  /** Whether some worker said it has the workspace. */
  has(workspaceId: string): boolean {
    return (this.stmts.has.get(workspaceId)?.n ?? 0) > 0;
  }
}
