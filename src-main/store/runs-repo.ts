import type { Statement } from 'better-sqlite3';
import type { RunStatus, TaskCounts, TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import {
  emptyCounts,
  isTerminalTaskStatus,
  REUSED_REASON_PREFIX,
} from '../../src-shared/schemas/plain/run.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { AgentExecutionStats, MatchExplanation, Run, TaskRun } from '../../src-shared/schemas/run.ts';
import { createBatchWriter } from './batch.ts';
import type { Db } from './db.ts';
import { mayLag, type WriteBehind } from './write-behind.ts';

interface RunRow extends Omit<Run, 'counts'> {
  lease_owner: string | null;
  lease_expires_at: number | null;
  lease_renewed_at: number | null;
}

/**
 * Seconds an attempt (a row `x`: run_id, task_id, started_at, finished_at) waited for a person:
 * inside it (a tool call, a merge conflict to resolve) and, for a reviewed one, its diff review
 * (a task done on approval finishes when the reviewer answers). Not the agent's time: the
 * agent's average leaves it out, as `AgentOutcomes` does (`personWaitMs`).
 */
const PERSON_WAIT_S = `coalesce((SELECT sum(max(0,
      min(julianday(coalesce(w.decided_at, x.finished_at)), julianday(x.finished_at)) - julianday(w.requested_at)))
    FROM approvals w WHERE w.run_id = x.run_id AND w.task_id = x.task_id
      AND w.kind IN ('tool_call', 'merge_conflict', 'diff_review')
      AND w.requested_at >= x.started_at AND w.requested_at < x.finished_at), 0) * 86400.0`;

/** Who executes an unfinished run: a lease owner (`host:pid:id`) until `lease_expires_at`. */
export interface RunLease {
  id: string;
  lease_owner: string | null;
  lease_expires_at: number | null;
}
interface TaskRunRow extends Omit<TaskRun, 'match' | 'output'> {
  match: string | null;
  output: string | null;
  seq: number;
  row_id: number;
}

const toTaskRun = (r: TaskRunRow): TaskRun => ({
  run_id: r.run_id,
  task_id: r.task_id,
  status: r.status,
  agent_id: r.agent_id,
  delegation_task_id: r.delegation_task_id,
  attempt: r.attempt,
  reason: r.reason,
  match: r.match === null ? null : (JSON.parse(r.match) as MatchExplanation),
  output: r.output === null ? null : JSON.parse(r.output),
  error: r.error,
  started_at: r.started_at,
  finished_at: r.finished_at,
  updated_at: r.updated_at,
  progress: r.progress,
  progress_message: r.progress_message,
  retry_at: r.retry_at,
  cost: r.cost,
  cost_unknown: r.cost_unknown,
});

const jsonOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/** Columns written only when they changed (status, reason and updated_at always are). */
const OPTIONAL = [
  'agent_id',
  'delegation_task_id',
  'attempt',
  'match',
  'output',
  'error',
  'started_at',
  'finished_at',
  'progress',
  'progress_message',
  'retry_at',
  'cost',
  'cost_unknown',
] as const;
const ALL = (1 << OPTIONAL.length) - 1;
const MATCH = OPTIONAL.indexOf('match');
const OUTPUT = OPTIONAL.indexOf('output');
const JSON_COLUMNS = (1 << MATCH) | (1 << OUTPUT);

interface Written {
  rowid: number;
  /** The optional columns as last written (match and output as objects), or null: unknown, write all. */
  values: readonly unknown[] | null;
}

const valuesOf = (t: TaskRun): unknown[] => OPTIONAL.map((c) => t[c]);
/** A new task's optional columns: all empty. */
const FRESH: readonly unknown[] = OPTIONAL.map((c) =>
  c === 'attempt' || c === 'cost' || c === 'cost_unknown' ? 0 : null,
);
const isFresh = (t: TaskRun): boolean => valuesOf(t).every((v, i) => v === FRESH[i]);

/** An update's parameters: status, reason, updated_at, the optional columns in `mask`, then the rowid. */
function paramsOf(t: TaskRun, mask: number, rowid: number): unknown[] {
  const out: unknown[] = [t.status, t.reason, t.updated_at];
  for (let i = 0; i < OPTIONAL.length; i++) {
    if (!(mask & (1 << i))) continue;
    const v = t[OPTIONAL[i]!];
    out.push(i === MATCH || i === OUTPUT ? jsonOrNull(v) : v);
  }
  out.push(rowid);
  return out;
}

/**
 * Two updates of one row as one (`RowUpdates.merge`): status, reason and updated_at and each
 * column both set are the later's; a column only one sets, that one's.
 */
export function mergeParams(
  earlier: readonly unknown[],
  earlierMask: number,
  later: readonly unknown[],
  laterMask: number,
): unknown[] {
  const out: unknown[] = [later[0], later[1], later[2]];
  let a = 3;
  let b = 3;
  for (let i = 0; i < OPTIONAL.length; i++) {
    const bit = 1 << i;
    const fromEarlier = earlierMask & bit ? earlier[a++] : undefined;
    if (laterMask & bit) out.push(later[b++]);
    else if (earlierMask & bit) out.push(fromEarlier);
  }
  out.push(later[later.length - 1]);
  return out;
}

export function createRunsRepo(db: Db, behind: WriteBehind | null = null) {
  const insertRun =
    db.prepare(`INSERT INTO runs (id, plan_id, plan_version, project_id, status, memory_id, created_at,
    finished_at, lease_owner, lease_expires_at, started_by) VALUES (@id, @plan_id, @plan_version, @project_id, @status,
    @memory_id, @created_at, NULL, @lease_owner, @lease_expires_at, @started_by)`);
  const insertAdded =
    db.prepare(`INSERT INTO task_runs (run_id, task_id, seq, status, attempt, reason, updated_at, spec)
    VALUES (?, ?, ?, ?, 0, ?, ?, ?)`);
  const addedSpecs = db.prepare<[string], { spec: string }>(
    'SELECT spec FROM task_runs WHERE run_id = ? AND spec IS NOT NULL ORDER BY seq',
  );
  const getRun = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?');
  const listRuns = db.prepare<[], RunRow>('SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT 500');
  const listRunsOfPlan = db.prepare<[string], RunRow>(
    'SELECT * FROM runs WHERE plan_id = ? ORDER BY created_at DESC, id DESC LIMIT 500',
  );
  const tasks = db.prepare<[string], TaskRunRow>(
    'SELECT rowid AS row_id, * FROM task_runs WHERE run_id = ? ORDER BY seq',
  );
  const task = db.prepare<[string, string], TaskRunRow>(
    'SELECT rowid AS row_id, * FROM task_runs WHERE run_id = ? AND task_id = ?',
  );
  const columns = `status, agent_id, delegation_task_id, attempt, reason, match, output, error, started_at,
      finished_at, updated_at, progress, progress_message, retry_at, cost, cost_unknown, run_id, task_id, seq`;
  const insertTasks = createBatchWriter(db, `INSERT INTO task_runs (${columns})`, 19);
  /**
   * Task rows are updated by rowid, and only in the columns that changed since this process
   * last wrote the row: binding and encoding columns is most of an update's cost, and SQLite
   * rewrites an index entry whenever its column is in the SET list, same value or not.
   */
  // A bare rowid stands for a row still as inserted (all optional columns empty): most rows of a
  // big plan wait in that state, so it is kept without an object per task.
  const written = new WeakMap<TaskRun, number | Written>();
  const updates = new Map<number, Statement>();
  const updateFor = (mask: number): Statement => {
    let st = updates.get(mask);
    if (!st) {
      const set = ['status = ?', 'reason = ?', 'updated_at = ?'];
      OPTIONAL.forEach((c, i) => {
        if (mask & (1 << i)) set.push(`${c} = ?`);
      });
      st = db.prepare(`UPDATE task_runs SET ${set.join(', ')} WHERE rowid = ?`);
      updates.set(mask, st);
    }
    return st;
  };
  behind?.mergeRows({ statementFor: updateFor, merge: mergeParams });
  const rowidOf = db.prepare<[string, string], { rowid: number }>(
    'SELECT rowid FROM task_runs WHERE run_id = ? AND task_id = ?',
  );
  const tracked = (row: TaskRunRow): TaskRun => {
    const t = toTaskRun(row);
    written.set(t, { rowid: row.row_id, values: null });
    return t;
  };
  /** Appends a task's row, in `columns` order, to `out`. */
  const pushRow = (out: unknown[], t: TaskRun, seq: number): void => {
    out.push(
      t.status,
      t.agent_id,
      t.delegation_task_id,
      t.attempt,
      t.reason,
      jsonOrNull(t.match),
      jsonOrNull(t.output),
      t.error,
      t.started_at,
      t.finished_at,
      t.updated_at,
      t.progress,
      t.progress_message,
      t.retry_at,
      t.cost,
      t.cost_unknown,
      t.run_id,
      t.task_id,
      seq,
    );
  };
  // One row per task and run holds its latest attempt; `task_attempts` the ones a retry or a
  // restart replaced (a row whose attempt is there is not counted twice: waiting for its retry,
  // or cancelled while it waited). A row a re-run copied from an earlier run (its reason says
  // so) is not an attempt of its own.
  const stats = db.prepare<
    { agent: string; since: string; until: string; reused: string },
    {
      outcome: 'done' | 'failed' | 'cancelled' | 'interrupted' | 'in_progress';
      n: number;
      avg_s: number | null;
    }
  >(
    `SELECT outcome, count(*) AS n,
       avg(CASE WHEN outcome = 'done'
         THEN max(0, (julianday(finished_at) - julianday(started_at)) * 86400.0 - ${PERSON_WAIT_S}) END) AS avg_s
     FROM (SELECT CASE
             WHEN status IN ('done', 'failed', 'in_progress', 'cancelled') THEN status
           END AS outcome, run_id, task_id, started_at, finished_at
           FROM task_runs t WHERE agent_id = @agent AND started_at >= @since AND started_at <= @until
             AND (reason IS NULL OR reason NOT GLOB @reused)
             AND NOT EXISTS (SELECT 1 FROM task_attempts a
               WHERE a.run_id = t.run_id AND a.task_id = t.task_id AND a.attempt = t.attempt)
           UNION ALL
           SELECT outcome, run_id, task_id, started_at, finished_at FROM task_attempts
           WHERE agent_id = @agent AND started_at >= @since AND started_at <= @until) AS x
     WHERE outcome IS NOT NULL GROUP BY outcome`,
  );
  const setStatus = db.prepare('UPDATE runs SET status = ?, finished_at = ? WHERE id = ?');
  const unfinished = db.prepare<[], { id: string }>(
    "SELECT id FROM runs WHERE status = 'executing' ORDER BY created_at",
  );
  const unfinishedLeases = db.prepare<[], RunLease>(
    "SELECT id, lease_owner, lease_expires_at FROM runs WHERE status = 'executing' ORDER BY created_at",
  );
  // Each holds when the lease was taken or renewed: the holder was alive then (`lease_renewed_at`).
  const takeLease = db.prepare(`UPDATE runs SET lease_owner = @owner, lease_expires_at = @expires,
    lease_renewed_at = @now WHERE id = @id AND status = 'executing'
      AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at < @now)`);
  // A lease is taken, renewed and stolen on the engine's connection; only a run that ended lets
  // its lease go behind it (`dropLease`), and no tick reads that run's again: reads need not wait.
  const leaseOwner = db.prepare<[string], { lease_owner: string | null }>(
    mayLag('SELECT lease_owner FROM runs WHERE id = ?'),
  );
  const stealLease = db.prepare(`UPDATE runs SET lease_owner = @owner, lease_expires_at = @expires,
    lease_renewed_at = @now WHERE id = @id AND status = 'executing' AND lease_owner = @from`);
  const dropLease = db.prepare(
    'UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL, lease_renewed_at = ? WHERE id = ? AND lease_owner = ?',
  );
  const leaseRenewedAt = db.prepare<[string], { lease_renewed_at: number | null }>(
    'SELECT lease_renewed_at FROM runs WHERE id = ?',
  );

  // The counts of many runs in one query (a list of runs is not one query per run).
  const countsOfMany = db.prepare<[string], { run_id: string; status: TaskStatus; n: number }>(
    `SELECT run_id, status, count(*) AS n FROM task_runs
     WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id, status`,
  );

  /** The task counts of each of the runs `ids` (all statuses, zero when a run has no such task). */
  function countsOf(ids: readonly string[]): Map<string, TaskCounts> {
    const byRun = new Map(ids.map((id) => [id, emptyCounts()]));
    for (const c of countsOfMany.all(JSON.stringify(ids))) byRun.get(c.run_id)![c.status] = c.n;
    return byRun;
  }

  function withCounts(r: RunRow, counts: TaskCounts): Run {
    return {
      id: r.id,
      plan_id: r.plan_id,
      plan_version: r.plan_version,
      project_id: r.project_id,
      status: r.status,
      memory_id: r.memory_id,
      created_at: r.created_at,
      finished_at: r.finished_at,
      started_by: r.started_by ?? null,
      counts,
    };
  }

  return {
    /** Inserts the run and its tasks (in plan order), each row as given. */
    insertRun(
      run: Omit<Run, 'counts' | 'finished_at'> & { lease_owner: string; lease_expires_at: number },
      tasks: readonly TaskRun[],
    ): void {
      insertRun.run(run);
      // A slice at a time: the values of 100,000 rows at once would be one 14 MB array.
      for (let from = 0; from < tasks.length; from += 256) {
        const slice = tasks.slice(from, from + 256);
        const values: unknown[] = [];
        for (let i = 0; i < slice.length; i++) pushRow(values, slice[i]!, from + i);
        const rowids = insertTasks(values);
        slice.forEach((t, i) => {
          written.set(t, isFresh(t) ? rowids[i]! : { rowid: rowids[i]!, values: null });
        });
      }
    },
    /** A task added while the run goes on (by a decider), with its spec. */
    insertAdded(
      runId: string,
      spec: TaskSpec,
      seq: number,
      status: TaskStatus,
      reason: string | null,
      at: string,
    ): void {
      insertAdded.run(runId, spec.task_id, seq, status, reason, at, JSON.stringify(spec));
    },
    addedSpecs: (runId: string): TaskSpec[] =>
      addedSpecs.all(runId).map((r) => JSON.parse(r.spec) as TaskSpec),
    get(id: string): Run | undefined {
      const row = getRun.get(id);
      return row && withCounts(row, countsOf([row.id]).get(row.id)!);
    },
    list(planId?: string): Run[] {
      const rows = planId ? listRunsOfPlan.all(planId) : listRuns.all();
      const byRun = countsOf(rows.map((r) => r.id));
      return rows.map((r) => withCounts(r, byRun.get(r.id)!));
    },
    tasks: (runId: string): TaskRun[] => tasks.all(runId).map(toTaskRun),
    /** The run's tasks as objects the engine keeps and saves back (their rows are known by rowid). */
    tasksToRun: (runId: string): TaskRun[] => tasks.all(runId).map(tracked),
    task(runId: string, taskId: string): TaskRun | undefined {
      const row = task.get(runId, taskId);
      return row && tracked(row);
    },
    /**
     * Saves task rows; a task whose row does not exist is skipped. Only the optional columns that
     * differ (by identity) from the row's last written values are set: `match` or `output` (the
     * costly columns) when it is a new object, or both when the task is in `changedJson` (changed
     * in place) and neither is a new object. A row whose last written values are unknown gets all.
     */
    saveTasks(tasks: Iterable<TaskRun>, changedJson: ReadonlySet<TaskRun>): void {
      for (const t of tasks) {
        const known = written.get(t);
        let rowid: number;
        let was: readonly unknown[] | null;
        if (typeof known === 'number') {
          rowid = known;
          was = FRESH;
        } else if (known) {
          ({ rowid, values: was } = known);
        } else {
          const found = rowidOf.get(t.run_id, t.task_id);
          if (!found) continue;
          rowid = found.rowid;
          was = null;
        }
        let mask = ALL;
        if (was) {
          mask = 0;
          for (let i = 0; i < OPTIONAL.length; i++) if (t[OPTIONAL[i]!] !== was[i]) mask |= 1 << i;
          // A JSON column set to a new object shows above; one changed in place is written too.
          if (changedJson.has(t) && !(mask & JSON_COLUMNS)) mask |= JSON_COLUMNS;
        }
        const update = updateFor(mask);
        const params = paramsOf(t, mask, rowid);
        if (!behind?.capture(update, params, [rowid, mask])) update.run(params);
        // Finished rows are seldom written again: forget them (a later save looks the row up).
        if (isTerminalTaskStatus(t.status)) written.delete(t);
        else written.set(t, { rowid, values: valuesOf(t) });
      }
    },
    setStatus(id: string, status: RunStatus, finishedAt: string | null): void {
      // Inside a tick, behind the engine: a run's end need not wait for the writer's backlog.
      if (!behind?.capture(setStatus, [status, finishedAt, id])) setStatus.run(status, finishedAt, id);
    },
    unfinishedIds: (): string[] => unfinished.all().map((r) => r.id),
    /** Every unfinished run with who holds its lease and until when (ms since the epoch). */
    unfinishedLeases: (): RunLease[] => unfinishedLeases.all(),
    /** Execution statistics for one agent (the pull API's stats), attempts started within [since, until]. */
    agentStats(agentId: string, since: string, until: string): AgentExecutionStats {
      const rows = stats.all({ agent: agentId, since, until, reused: `${REUSED_REASON_PREFIX}*` });
      const n = (o: (typeof rows)[number]['outcome']) => rows.find((r) => r.outcome === o)?.n ?? 0;
      const completed = n('done');
      const failed = n('failed');
      const cancelled = n('cancelled');
      const interrupted = n('interrupted');
      const ended = completed + failed;
      const avg = rows.find((r) => r.outcome === 'done')?.avg_s ?? null;
      return {
        agent_id: agentId,
        total: completed + failed + cancelled + interrupted + n('in_progress'),
        completed,
        failed,
        cancelled,
        interrupted,
        in_progress: n('in_progress'),
        success_rate: ended === 0 ? null : Math.round((completed / ended) * 10_000) / 100,
        average_completion_time: avg === null ? null : Math.round(avg * 1000) / 1000,
      };
    },
    /** Takes or renews the run's lease; false when another live process holds it. */
    takeLease: (id: string, owner: string, now: number, ttlMs: number): boolean =>
      takeLease.run({ id, owner, now, expires: now + ttlMs }).changes > 0,
    leaseOwner: (id: string): string | null => leaseOwner.get(id)?.lease_owner ?? null,
    /**
     * When the run's lease was last taken, renewed or let go (ms since the epoch; null: never since
     * it started): the last moment a live process was known to execute the run.
     */
    leaseRenewedAt: (id: string): number | null => leaseRenewedAt.get(id)?.lease_renewed_at ?? null,
    /** Takes the lease from `from` (a process known to be dead). */
    stealLease: (id: string, from: string, owner: string, now: number, ttlMs: number): boolean =>
      stealLease.run({ id, from, owner, now, expires: now + ttlMs }).changes > 0,
    /** Lets the lease go (`now`: the holder's last moment with the run). */
    dropLease(id: string, owner: string, now: number): void {
      // A run's end lets it go inside its tick: behind the engine, as its status.
      if (!behind?.capture(dropLease, [now, id, owner])) dropLease.run(now, id, owner);
    },
  };
}
export type RunsRepo = ReturnType<typeof createRunsRepo>;
