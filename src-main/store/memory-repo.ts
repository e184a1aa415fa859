import type {
  AuditChange,
  AuditEntry,
  MemoryEntry,
  MemorySearchHit,
} from '../../src-shared/schemas/memory.ts';
import { createBatchWriter } from './batch.ts';
import type { Db } from './db.ts';
import { createIndexCatchUp } from './search-index-catch-up.ts';
import type { StepsRepo } from './steps-repo.ts';
import { STEP_ENTRY_TYPE, stepAsEntry } from './steps-repo.ts';
import { LOG_ENTRY_TYPE, type LogLineRow, logAsEntry } from './task-log-hits.ts';
import { mayLag, type WriteBehind } from './write-behind.ts';

interface MemoryRow extends Omit<MemoryEntry, 'content' | 'tags'> {
  content: string;
  tags: string;
  plan_id: string | null;
}

const toEntry = (r: MemoryRow): MemoryEntry => ({
  id: r.id,
  agent_id: r.agent_id,
  type: r.type,
  content: JSON.parse(r.content),
  tags: JSON.parse(r.tags) as string[],
  project_id: r.project_id,
  status: r.status,
  task_type: r.task_type,
  task_id: r.task_id,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export interface MemoryFilter {
  query?: string | undefined;
  type?: string | undefined;
  plan_id?: string | undefined;
  project_id?: string | undefined;
  agent_id?: string | undefined;
  /** Part of an agent's id, any case. */
  agent?: string | undefined;
  tag?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit: number;
}

/** What the audit log is searched and filtered by (audit.list without a task). */
export interface AuditFilter {
  query?: string | undefined;
  run_id?: string | undefined;
  entity?: AuditEntry['entity'] | undefined;
  /** Part of who made the change, any case. */
  actor?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit: number;
}

/** An audit entry as stored: its changes as JSON text, or null. */
export interface AuditRow extends Omit<AuditEntry, 'changes'> {
  changes: string | null;
}

/** An audit entry as read: its changes parsed, and left out when it has none. */
export function auditOf(r: AuditRow): AuditEntry {
  const { changes, ...entry } = r;
  return changes === null ? entry : { ...entry, changes: JSON.parse(changes) as AuditChange[] };
}

/** A LIKE pattern matching any text that contains `part` (its own % and _ taken literally). */
const containing = (part: string) => `%${part.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Turns free text into an FTS5 query of quoted terms (prefix match on the last), so user input is never FTS syntax. */
export function toFtsQuery(text: string): string | null {
  const terms = text.match(/[\p{L}\p{N}]+/gu); // the unicode61 tokenizer's notion of a word
  if (!terms || terms.length === 0) return null;
  return terms.map((t, i) => (i === terms.length - 1 ? `"${t}"*` : `"${t}"`)).join(' ');
}

export function createMemoryRepo(db: Db, steps: StepsRepo, behind: WriteBehind | null = null) {
  const insert = db.prepare(`INSERT INTO memory_entries
    (id, agent_id, type, content, tags, project_id, status, task_type, task_id, plan_id, created_at, updated_at)
    VALUES (@id, @agent_id, @type, @content, @tags, @project_id, @status, @task_type, @task_id, @plan_id,
      @created_at, @updated_at)`);
  const update = db.prepare(`UPDATE memory_entries SET content = @content, tags = @tags, status = @status,
    updated_at = @updated_at WHERE id = @id`);
  const get = db.prepare<[string], MemoryRow>('SELECT * FROM memory_entries WHERE id = ?');
  const addAudit = db.prepare(`INSERT INTO audit_entries
    (at, actor, entity, entity_id, run_id, from_status, to_status, why, changes)
    VALUES (@at, @actor, @entity, @entity_id, @run_id, @from_status, @to_status, @why, @changes)`);
  const auditAll = db.prepare<[number], AuditRow>('SELECT * FROM audit_entries ORDER BY id DESC LIMIT ?');
  const auditRun = db.prepare<[string, number], AuditRow>(
    'SELECT * FROM audit_entries WHERE run_id = ? ORDER BY id LIMIT ?',
  );
  // A task's entries and its approvals' (which name it in `why`). It walks the run's entries
  // (the audit_run index): no index of its own, which would cost every transition a write.
  const auditTask = db.prepare<{ runId: string; taskId: string; limit: number }, AuditRow>(
    `SELECT * FROM audit_entries WHERE run_id = @runId
       AND ((entity = 'task' AND entity_id = @taskId)
         OR (entity = 'approval' AND instr(why, 'task "' || @taskId || '"') > 0))
     ORDER BY id LIMIT @limit`,
  );

  const auditMany = createBatchWriter(
    db,
    'INSERT INTO audit_entries (at, actor, entity, entity_id, run_id, from_status, to_status, why)',
    8,
    behind,
  );
  const insertMany = createBatchWriter(
    db,
    `INSERT INTO memory_entries (id, agent_id, type, content, tags, project_id, status, task_type, task_id, plan_id,
      created_at, updated_at)`,
    12,
    behind,
  );
  /** Indexes rows written since the last catch-up (a chunk of each index; -1: all); true when none are left. */
  const indexPending = createIndexCatchUp(db);

  // A search's reads follow its catch-up of the index, which waited for the writer: they read what
  // the writer last committed, not waiting for ticks handed to it since.
  const memoryByRowid = db.prepare<[number], MemoryRow>(
    mayLag('SELECT * FROM memory_entries WHERE rowid = ?'),
  );
  const logLine = db.prepare<[number], LogLineRow>(
    mayLag(`SELECT l.*, r.plan_id, r.project_id, t.agent_id FROM task_logs l JOIN runs r ON r.id = l.run_id
     LEFT JOIN task_runs t ON t.run_id = l.run_id AND t.task_id = l.task_id WHERE l.id = ?`),
  );
  /**
   * Memory entries, steps and the lines tasks printed matching one query, ranked together by
   * bm25; `f.type` `step` or `task_log` keeps to those. `memoryWhere` holds the memory side's
   * conditions; the others' are built from the same filters.
   */
  const searchAll = (
    f: MemoryFilter,
    memoryWhere: string[],
    params: Record<string, string | number>,
  ): MemorySearchHit[] => {
    const stepWhere = ['step_fts MATCH @fts'];
    const logWhere = ['task_log_fts MATCH @fts'];
    // A line's agent is its task's (the one that ran it last).
    const logAgent = (cond: string) =>
      `EXISTS (SELECT 1 FROM task_runs t WHERE t.run_id = l.run_id AND t.task_id = l.task_id AND ${cond})`;
    if (f.plan_id) for (const w of [stepWhere, logWhere]) w.push('r.plan_id = @plan_id');
    if (f.project_id) for (const w of [stepWhere, logWhere]) w.push('r.project_id = @project_id');
    if (f.agent_id) {
      stepWhere.push('s.agent_id = @agent_id');
      logWhere.push(logAgent('t.agent_id = @agent_id'));
    }
    if (f.agent) {
      stepWhere.push("s.agent_id LIKE @agent ESCAPE '\\'");
      logWhere.push(logAgent("t.agent_id LIKE @agent ESCAPE '\\'"));
    }
    if (f.since) {
      stepWhere.push('s.at >= @since');
      logWhere.push('l.at >= @since');
    }
    if (f.until) {
      stepWhere.push('s.at <= @until');
      logWhere.push('l.at <= @until');
    }
    const stepPart = `SELECT 's' AS src, s.id AS rid, bm25(step_fts) AS rank,
        snippet(step_fts, 0, '[[', ']]', '…', 12) AS snip, s.at AS at
      FROM step_fts JOIN attempt_steps s ON s.id = step_fts.rowid JOIN runs r ON r.id = s.run_id
      WHERE ${stepWhere.join(' AND ')}`;
    const logPart = `SELECT 'l' AS src, l.id AS rid, bm25(task_log_fts) AS rank,
        snippet(task_log_fts, 0, '[[', ']]', '…', 12) AS snip, l.at AS at
      FROM task_log_fts JOIN task_logs l ON l.id = task_log_fts.rowid JOIN runs r ON r.id = l.run_id
      WHERE ${logWhere.join(' AND ')}`;
    const memoryPart = `SELECT 'm' AS src, m.rowid AS rid, bm25(memory_fts) AS rank,
        snippet(memory_fts, 0, '[[', ']]', '…', 12) AS snip, m.created_at AS at
      FROM memory_fts JOIN memory_entries m ON m.rowid = memory_fts.rowid WHERE ${memoryWhere.join(' AND ')}`;
    const parts =
      f.type === STEP_ENTRY_TYPE
        ? [stepPart]
        : f.type === LOG_ENTRY_TYPE
          ? [logPart]
          : [memoryPart, stepPart, logPart];
    const sql = `SELECT src, rid, snip FROM (${parts.join(' UNION ALL ')}) ORDER BY rank, at DESC LIMIT @limit`;
    // The other sides filter by type through the union (memory entries never have type `step` or `task_log`).
    const { type: _type, ...otherParams } = params;
    const rows = db.prepare(mayLag(sql)).all(f.type === undefined ? params : otherParams) as {
      src: 'm' | 's' | 'l';
      rid: number;
      snip: string | null;
    }[];
    const hits: MemorySearchHit[] = [];
    for (const r of rows) {
      if (r.src === 'm') {
        const row = memoryByRowid.get(r.rid);
        if (row) hits.push({ entry: toEntry(row), snippet: r.snip });
        continue;
      }
      if (r.src === 'l') {
        const line = logLine.get(r.rid);
        if (line) {
          const { run_id, task_id, attempt, stream } = line;
          hits.push({ entry: logAsEntry(line), snippet: r.snip, log: { run_id, task_id, attempt, stream } });
        }
        continue;
      }
      const found = steps.byId(r.rid);
      if (!found) continue;
      const { step } = found;
      hits.push({
        entry: stepAsEntry(r.rid, step, found.agent_id, found.project_id),
        snippet: r.snip,
        step: { run_id: step.run_id, task_id: step.task_id, attempt: step.attempt, seq: step.seq },
      });
    }
    return hits;
  };

  return {
    /**
     * Brings the full-text indexes up to date (done before each search; cheap when nothing is
     * pending). With a limit, indexes at most that many rows per index and says whether it is done.
     */
    indexPending(limit = -1): boolean {
      return indexPending(limit);
    },
    insert(entry: MemoryEntry & { plan_id: string | null }): void {
      insert.run({ ...entry, content: JSON.stringify(entry.content), tags: JSON.stringify(entry.tags) });
    },
    update(e: Pick<MemoryEntry, 'id' | 'content' | 'tags' | 'status' | 'updated_at'>): void {
      const row = { ...e, content: JSON.stringify(e.content), tags: JSON.stringify(e.tags) };
      if (!behind?.capture(update, row)) update.run(row);
    },
    /** A line a task printed, as a search found it (`log:<n>`); undefined when there is none. */
    logLine(id: number): MemoryEntry | undefined {
      const line = logLine.get(id);
      return line && logAsEntry(line);
    },
    get(id: string): MemoryEntry | undefined {
      const row = get.get(id);
      return row && toEntry(row);
    },
    /**
     * Entries matching a full-text search and filters (newest first without a query). With a
     * query, the steps of attempts (a coding agent's turns) and the lines tasks printed are
     * searched too, unless the filters ask for another type or a tag (neither has one); hits of
     * all three are ranked together.
     */
    search(f: MemoryFilter, caughtUp = false): MemorySearchHit[] {
      if (f.query && !caughtUp) indexPending(-1);
      const where: string[] = [];
      const params: Record<string, string | number> = { limit: f.limit };
      const fts = f.query ? toFtsQuery(f.query) : null;
      if (fts) {
        where.push('memory_fts MATCH @fts');
        params.fts = fts;
      }
      for (const key of ['type', 'plan_id', 'project_id', 'agent_id'] as const) {
        const v = f[key];
        if (v) {
          where.push(`m.${key} = @${key}`);
          params[key] = v;
        }
      }
      if (f.agent) {
        where.push("m.agent_id LIKE @agent ESCAPE '\\'");
        params.agent = containing(f.agent);
      }
      if (f.tag) {
        where.push('EXISTS (SELECT 1 FROM json_each(m.tags) WHERE value = @tag)');
        params.tag = f.tag;
      }
      if (f.since) {
        where.push('m.updated_at >= @since');
        params.since = f.since;
      }
      if (f.until) {
        where.push('m.created_at <= @until');
        params.until = f.until;
      }
      if (fts && (f.type === undefined || f.type === STEP_ENTRY_TYPE || f.type === LOG_ENTRY_TYPE) && !f.tag)
        return searchAll(f, where, params);
      const sql = fts
        ? `SELECT m.*, snippet(memory_fts, 0, '[[', ']]', '…', 12) AS snip FROM memory_fts
           JOIN memory_entries m ON m.rowid = memory_fts.rowid
           WHERE ${where.join(' AND ')} ORDER BY bm25(memory_fts), m.created_at DESC LIMIT @limit`
        : `SELECT m.*, NULL AS snip FROM memory_entries m ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY m.created_at DESC, m.rowid DESC LIMIT @limit`;
      const rows = db.prepare(fts ? mayLag(sql) : sql).all(params) as (MemoryRow & { snip: string | null })[];
      return rows.map((r) => ({ entry: toEntry(r), snippet: r.snip }));
    },
    /** Appends an audit entry, with what a person changed field by field when it says (`changes`). */
    audit(e: Omit<AuditEntry, 'id'>): void {
      const { changes, ...entry } = e;
      addAudit.run({ ...entry, changes: changes && changes.length > 0 ? JSON.stringify(changes) : null });
    },
    /** Appends audit entries in order, in multi-row statements (the engine's transitions: no `changes`). */
    auditMany(entries: readonly Omit<AuditEntry, 'id'>[]): void {
      const values: unknown[] = [];
      for (const e of entries)
        values.push(e.at, e.actor, e.entity, e.entity_id, e.run_id, e.from_status, e.to_status, e.why);
      auditMany(values);
    },
    insertMany(entries: readonly (MemoryEntry & { plan_id: string | null })[]): void {
      const values: unknown[] = [];
      for (const e of entries) {
        values.push(
          e.id,
          e.agent_id,
          e.type,
          JSON.stringify(e.content),
          JSON.stringify(e.tags),
          e.project_id,
          e.status,
          e.task_type,
          e.task_id,
          e.plan_id,
          e.created_at,
          e.updated_at,
        );
      }
      insertMany(values);
    },
    /** Audit entries, newest first; of one run (oldest first), or of one task of a run (oldest first). */
    listAudit: (runId: string | undefined, limit: number, taskId?: string): AuditEntry[] =>
      (runId
        ? taskId
          ? auditTask.all({ runId, taskId, limit })
          : auditRun.all(runId, limit)
        : auditAll.all(limit)
      ).map(auditOf),
    /**
     * Audit entries matching a full-text search (entity id and why) and filters, newest first;
     * an empty list when the search has no word to look for.
     */
    findAudit(f: AuditFilter, caughtUp = false): AuditEntry[] {
      const where: string[] = [];
      const params: Record<string, string | number> = { limit: f.limit };
      let from = 'audit_entries a';
      if (f.query) {
        const fts = toFtsQuery(f.query);
        if (!fts) return [];
        if (!caughtUp) indexPending(-1);
        from = 'audit_fts JOIN audit_entries a ON a.id = audit_fts.rowid';
        where.push('audit_fts MATCH @fts');
        params.fts = fts;
      }
      if (f.run_id) {
        where.push('a.run_id = @runId');
        params.runId = f.run_id;
      }
      if (f.entity) {
        where.push('a.entity = @entity');
        params.entity = f.entity;
      }
      if (f.actor) {
        where.push("a.actor LIKE @actor ESCAPE '\\'");
        params.actor = containing(f.actor);
      }
      if (f.since) {
        where.push('a.at >= @since');
        params.since = f.since;
      }
      if (f.until) {
        where.push('a.at <= @until');
        params.until = f.until;
      }
      const sql = `SELECT a.* FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT @limit`;
      return db
        .prepare(f.query ? mayLag(sql) : sql)
        .all(params)
        .map((r) => auditOf(r as AuditRow));
    },
  };
}
export type MemoryRepo = ReturnType<typeof createMemoryRepo>;
