import type { KeptWork, SessionState, TaskSession } from '../../../../src-shared/schemas/workspace.ts';
import type { Db } from '../../../store/db.ts';

/** A session's worktree as a run's end or a prune sees it: the run's status beside it. */
export interface SessionWithRun extends TaskSession {
  run_status: string;
}

/** A row as stored: its kept work is JSON. */
type SessionRow = Omit<TaskSession, 'kept_work'> & { kept_work: string | null };

const fromRow = <T extends SessionRow>(r: T): Omit<T, 'kept_work'> & { kept_work: KeptWork | null } => ({
  ...r,
  kept_work: r.kept_work === null ? null : (JSON.parse(r.kept_work) as KeptWork),
});

/** Coding tasks' worktrees, branches and CLI sessions, one row per task of a run. */
export function createSessionsRepo(db: Db) {
  // A later write for the same task replaces the row; the session id printed once is kept when
  // a later write (the next attempt's worktree, before its CLI printed anything) has none.
  const upsert = db.prepare(`INSERT INTO task_sessions (run_id, task_id, workspace_id, agent_id, cli, dir,
    branch, start_commit, session_id, home, attempt, state, updated_at)
    VALUES (@run_id, @task_id, @workspace_id, @agent_id, @cli, @dir, @branch, @start_commit, @session_id,
      @home, @attempt, @state, @updated_at)
    ON CONFLICT (run_id, task_id) DO UPDATE SET workspace_id = excluded.workspace_id,
      agent_id = excluded.agent_id, cli = excluded.cli, dir = excluded.dir, branch = excluded.branch,
      start_commit = excluded.start_commit, session_id = coalesce(excluded.session_id, session_id),
      home = excluded.home, attempt = excluded.attempt,
      state = CASE WHEN state = 'kept' THEN 'kept' ELSE excluded.state END, updated_at = excluded.updated_at`);
  const setSession = db.prepare(`UPDATE task_sessions SET session_id = @session_id, updated_at = @updated_at
    WHERE run_id = @run_id AND task_id = @task_id`);
  const setState = db.prepare(`UPDATE task_sessions SET state = @state, updated_at = @updated_at
    WHERE run_id = @run_id AND task_id = @task_id`);
  const setKept = db.prepare(`UPDATE task_sessions SET kept_work = @kept_work, updated_at = @updated_at
    WHERE run_id = @run_id AND task_id = @task_id`);
  const setContinues = db.prepare(`UPDATE task_sessions SET continues = @continues
    WHERE run_id = @run_id AND task_id = @task_id`);
  const get = db.prepare<[string, string], SessionRow>(
    'SELECT * FROM task_sessions WHERE run_id = ? AND task_id = ?',
  );
  const forRun = db.prepare<[string], SessionRow>(
    'SELECT * FROM task_sessions WHERE run_id = ? ORDER BY updated_at, task_id',
  );
  const onDisk = db.prepare<[string], SessionRow & { run_status: string }>(
    `SELECT s.*, r.status AS run_status FROM task_sessions s JOIN runs r ON r.id = s.run_id
     WHERE s.workspace_id = ? AND s.state != 'removed' ORDER BY s.updated_at`,
  );
  const ofWorkspace = db.prepare<
    [string],
    SessionRow & { run_status: string; run_finished_at: string | null }
  >(
    `SELECT s.*, r.status AS run_status, r.finished_at AS run_finished_at FROM task_sessions s
     JOIN runs r ON r.id = s.run_id WHERE s.workspace_id = ? ORDER BY s.run_id, s.task_id`,
  );
  const inUse = db.prepare<[string], { run_id: string }>(
    `SELECT DISTINCT s.run_id FROM task_sessions s JOIN runs r ON r.id = s.run_id
     WHERE s.workspace_id = ? AND r.status = 'executing'`,
  );
  return {
    /** Records a task's worktree (and its session id, when known). */
    upsert(s: TaskSession): void {
      upsert.run(s);
    },
    /** Records the CLI's session id as soon as it printed it. */
    setSessionId(runId: string, taskId: string, sessionId: string, at: string): void {
      setSession.run({ run_id: runId, task_id: taskId, session_id: sessionId, updated_at: at });
    },
    setState(runId: string, taskId: string, state: SessionState, at: string): boolean {
      return setState.run({ run_id: runId, task_id: taskId, state, updated_at: at }).changes > 0;
    },
    /** Records the work its branch was kept with (or its resume or discard); null: none. */
    setKeptWork(runId: string, taskId: string, kept: KeptWork | null, at: string): void {
      setKept.run({
        run_id: runId,
        task_id: taskId,
        kept_work: kept === null ? null : JSON.stringify(kept),
        updated_at: at,
      });
    },
    /** Says that the task's session goes on with the kept work of run `from` (a resume). */
    setContinues(runId: string, taskId: string, from: string): void {
      setContinues.run({ run_id: runId, task_id: taskId, continues: from });
    },
    get(runId: string, taskId: string): TaskSession | undefined {
      const r = get.get(runId, taskId);
      return r && fromRow(r);
    },
    forRun: (runId: string): TaskSession[] => forRun.all(runId).map(fromRow),
    /** The workspace's worktrees not removed yet, with their runs' statuses. */
    onDisk: (workspaceId: string): SessionWithRun[] => onDisk.all(workspaceId).map(fromRow),
    /** Every session of the workspace, with its run's status and end: what Baton knows of each branch it made there. */
    ofWorkspace: (
      workspaceId: string,
    ): (TaskSession & { run_status: string; run_finished_at: string | null })[] =>
      ofWorkspace.all(workspaceId).map(fromRow),
    /** Runs still executing (in any process) that have a worktree in the workspace. */
    runsUsing: (workspaceId: string): string[] => inUse.all(workspaceId).map((r) => r.run_id),
  };
}
export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
