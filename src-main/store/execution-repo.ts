import type {
  Artifact,
  ProgressEntry,
  TaskAttempt,
  TaskLogLine,
  Transaction,
} from '../../src-shared/schemas/run.ts';
import type { Db } from './db.ts';

/** What running tasks leave behind: charges, progress history, log lines and artifacts. */
export function createExecutionRepo(db: Db) {
  const addTx =
    db.prepare(`INSERT INTO transactions (run_id, plan_id, project_id, task_id, agent_id, amount, unknown,
    kind, created_at) VALUES (@run_id, @plan_id, @project_id, @task_id, @agent_id, @amount, @unknown, @kind,
    @created_at)`);
  const txOf = {
    run: db.prepare<[string], Transaction>('SELECT * FROM transactions WHERE run_id = ? ORDER BY id'),
    plan: db.prepare<[string], Transaction>('SELECT * FROM transactions WHERE plan_id = ? ORDER BY id'),
    project: db.prepare<[string], Transaction>('SELECT * FROM transactions WHERE project_id = ? ORDER BY id'),
  };
  const sumOf = {
    run: db.prepare<[string], { s: number | null }>(
      'SELECT sum(amount) AS s FROM transactions WHERE run_id = ?',
    ),
    plan: db.prepare<[string], { s: number | null }>(
      'SELECT sum(amount) AS s FROM transactions WHERE plan_id = ?',
    ),
    project: db.prepare<[string], { s: number | null }>(
      'SELECT sum(amount) AS s FROM transactions WHERE project_id = ?',
    ),
  };
  const unknownOf = {
    run: db.prepare<[string], { s: number | null }>(
      'SELECT sum(unknown) AS s FROM transactions WHERE run_id = ?',
    ),
    plan: db.prepare<[string], { s: number | null }>(
      'SELECT sum(unknown) AS s FROM transactions WHERE plan_id = ?',
    ),
    project: db.prepare<[string], { s: number | null }>(
      'SELECT sum(unknown) AS s FROM transactions WHERE project_id = ?',
    ),
  };
  const addProgress =
    db.prepare(`INSERT INTO task_progress (run_id, task_id, attempt, progress, message, metadata, at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const progress = db.prepare<[string, string], ProgressEntry & { metadata: string | null }>(
    'SELECT attempt, progress, message, metadata, at FROM task_progress WHERE run_id = ? AND task_id = ? ORDER BY id',
  );
  const addLog = db.prepare(
    'INSERT INTO task_logs (run_id, task_id, attempt, stream, text, at) VALUES (@run_id, @task_id, @attempt, @stream, @text, @at)',
  );
  const logs = db.prepare<[string, string, number, number], TaskLogLine>(
    'SELECT * FROM task_logs WHERE run_id = ? AND task_id = ? AND id > ? ORDER BY id LIMIT ?',
  );
  const addArtifact =
    db.prepare(`INSERT INTO artifacts (run_id, task_id, attempt, name, path, size, sha256, created_at)
    VALUES (@run_id, @task_id, @attempt, @name, @path, @size, @sha256, @created_at)`);
  const artifacts = db.prepare<[string, string], Artifact>(
    'SELECT * FROM artifacts WHERE run_id = ? AND task_id = ? ORDER BY id',
  );

  const withArtifacts = db.prepare<[string], { task_id: string }>(
    'SELECT DISTINCT task_id FROM artifacts WHERE run_id = ?',
  );
  const artifactById = db.prepare<[number], Artifact>('SELECT * FROM artifacts WHERE id = ?');
  // Kept once: an attempt already kept (by a process that lost the run's lease meanwhile, say)
  // never fails the transaction that keeps it again.
  const addAttempt = db.prepare(`INSERT INTO task_attempts
    (run_id, task_id, attempt, agent_id, started_at, finished_at, outcome, error)
    VALUES (@run_id, @task_id, @attempt, @agent_id, @started_at, @finished_at, @outcome, @error)
    ON CONFLICT (run_id, task_id, attempt) DO NOTHING`);
  // The kept attempts, then the one on the task's row unless it is kept already (waiting for its
  // retry, or cancelled while it waited). The row's status says how its attempt stands; any
  // other status (ready for a retry, say) means the row holds no attempt of its own.
  const attempts = db.prepare<{ run_id: string; task_id: string }, TaskAttempt>(
    `SELECT x.*, (SELECT COUNT(*) FROM attempt_steps s WHERE s.run_id = @run_id AND s.task_id = @task_id
       AND s.attempt = x.attempt AND s.kind = 'sandbox') AS sandbox_blocked FROM (
     SELECT attempt, agent_id, started_at, finished_at, outcome, error FROM task_attempts
     WHERE run_id = @run_id AND task_id = @task_id
     UNION ALL
     SELECT attempt, agent_id, started_at, finished_at,
       CASE status WHEN 'in_progress' THEN 'running' ELSE status END, error
     FROM task_runs t
     WHERE run_id = @run_id AND task_id = @task_id AND attempt > 0
       AND status IN ('in_progress', 'done', 'failed', 'cancelled')
       AND NOT EXISTS (SELECT 1 FROM task_attempts a
         WHERE a.run_id = t.run_id AND a.task_id = t.task_id AND a.attempt = t.attempt)
     ) x ORDER BY attempt`,
  );

  // The latest log line, progress report and step an attempt left (each read backwards from the
  // task's newest row, which is the attempt's own when it is the task's latest).
  const lastSigns = db.prepare<
    { run_id: string; task_id: string; attempt: number },
    { log: string | null; progress: string | null; step: string | null }
  >(
    `SELECT
       (SELECT at FROM task_logs WHERE run_id = @run_id AND task_id = @task_id AND attempt = @attempt
        ORDER BY id DESC LIMIT 1) AS log,
       (SELECT at FROM task_progress WHERE run_id = @run_id AND task_id = @task_id AND attempt = @attempt
        ORDER BY id DESC LIMIT 1) AS progress,
       (SELECT max(at) FROM attempt_steps WHERE run_id = @run_id AND task_id = @task_id AND attempt = @attempt)
        AS step`,
  );

  return {
    tasksWithArtifacts: (runId: string): string[] => withArtifacts.all(runId).map((r) => r.task_id),
    artifact: (id: number): Artifact | undefined => artifactById.get(id),
    charge(t: Omit<Transaction, 'id'>): void {
      addTx.run(t);
    },
    transactions: (scope: 'run' | 'plan' | 'project', id: string): Transaction[] => txOf[scope].all(id),
    spent: (scope: 'run' | 'plan' | 'project', id: string): number => sumOf[scope].get(id)?.s ?? 0,
    /** Model calls of unknown cost charged to a scope (beside `spent`, what is known). */
    unknown: (scope: 'run' | 'plan' | 'project', id: string): number => unknownOf[scope].get(id)?.s ?? 0,
    addProgress(runId: string, taskId: string, e: ProgressEntry): void {
      addProgress.run(
        runId,
        taskId,
        e.attempt,
        e.progress,
        e.message,
        e.metadata === undefined ? null : JSON.stringify(e.metadata),
        e.at,
      );
    },
    progress: (runId: string, taskId: string): ProgressEntry[] =>
      progress
        .all(runId, taskId)
        .map((r) => ({ ...r, metadata: r.metadata === null ? null : JSON.parse(r.metadata) })),
    addLog: (line: Omit<TaskLogLine, 'id'>): number => Number(addLog.run(line).lastInsertRowid),
    logs: (runId: string, taskId: string, afterId: number, limit: number): TaskLogLine[] =>
      logs.all(runId, taskId, afterId, limit),
    addArtifact(a: Omit<Artifact, 'id'>): void {
      addArtifact.run(a);
    },
    artifacts: (runId: string, taskId: string): Artifact[] => artifacts.all(runId, taskId),
    /** Keeps an attempt that a retry or a restart replaces on the task's row. */
    addAttempt(
      a: Omit<TaskAttempt, 'sandbox_blocked'> & { run_id: string; task_id: string; finished_at: string },
    ): void {
      addAttempt.run(a);
    },
    /** When an attempt last logged a line, reported progress or stored a step (ISO 8601; those it did). */
    lastSigns(runId: string, taskId: string, attempt: number): string[] {
      const r = lastSigns.get({ run_id: runId, task_id: taskId, attempt });
      return [r?.log, r?.progress, r?.step].filter((at): at is string => typeof at === 'string');
    },
    /** Every attempt of a task, first to latest: the replaced ones, then the one on its row. */
    attempts: (runId: string, taskId: string): TaskAttempt[] =>
      attempts.all({ run_id: runId, task_id: taskId }),
  };
}

export type ExecutionRepo = ReturnType<typeof createExecutionRepo>;
