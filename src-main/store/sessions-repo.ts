import type { SessionState, TaskSession } from '../../src-shared/schemas/workspace.ts';
import type { Db } from './db.ts';

/** A session's worktree as a run's end or a prune sees it: the run's status beside it. */
export interface SessionWithRun extends TaskSession {
  run_status: string;
}

/** Coding tasks' worktrees, branches and CLI sessions (issue 15), one row per task of a run. */
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
  const get = db.prepare<[string, string], TaskSession>(
    'SELECT * FROM task_sessions WHERE run_id = ? AND task_id = ?',
  );
  const forRun = db.prepare<[string], TaskSession>(
    'SELECT * FROM task_sessions WHERE run_id = ? ORDER BY updated_at, task_id',
  );
  const onDisk = db.prepare<[string], SessionWithRun>(
    `SELECT s.*, r.status AS run_status FROM task_sessions s JOIN runs r ON r.id = s.run_id
     WHERE s.workspace_id = ? AND s.state != 'removed' ORDER BY s.updated_at`,
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
    get: (runId: string, taskId: string): TaskSession | undefined => get.get(runId, taskId),
    forRun: (runId: string): TaskSession[] => forRun.all(runId),
    /** The workspace's worktrees not removed yet, with their runs' statuses. */
    onDisk: (workspaceId: string): SessionWithRun[] => onDisk.all(workspaceId),
    /** Runs still executing (in any process) that have a worktree in the workspace. */
    runsUsing: (workspaceId: string): string[] => inUse.all(workspaceId).map((r) => r.run_id),
  };
}
export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
