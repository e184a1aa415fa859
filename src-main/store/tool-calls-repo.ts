import type { ToolCallDetails, ToolCallDiff, ToolCallScope } from '../../src-shared/schemas/approval.ts';
import type { Db } from './db.ts';

interface Row {
  approval_id: string;
  run_id: string;
  task_id: string;
  attempt: number;
  call_id: string;
  agent_id: string | null;
  tool: string;
  server: string | null;
  input: string;
  agent_text: string;
  edited_input: string | null;
  input_schema: string | null;
  scope: ToolCallScope | null;
  diff: string | null;
}

export type ToolCallRecord = ToolCallDetails & {
  approval_id: string;
  run_id: string;
  task_id: string;
  /** How far a person's approval reaches (null: not decided, or decided before it was recorded). */
  scope: ToolCallScope | null;
  /** The change the call says it makes (an ACP edit), or null. */
  diff: ToolCallDiff | null;
};

const toRecord = (r: Row): ToolCallRecord => ({
  ...r,
  input: JSON.parse(r.input) as unknown,
  edited_input: r.edited_input === null ? null : (JSON.parse(r.edited_input) as Record<string, unknown>),
  input_schema: r.input_schema === null ? null : (JSON.parse(r.input_schema) as Record<string, unknown>),
  diff: r.diff === null ? null : (JSON.parse(r.diff) as ToolCallDiff),
});

/** What each `tool_call` approval asks about (migration 009). */
export function createToolCallsRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO tool_call_approvals (approval_id, run_id, task_id, attempt, call_id,
    agent_id, tool, server, input, agent_text, edited_input, input_schema, diff) VALUES (@approval_id, @run_id,
    @task_id, @attempt, @call_id, @agent_id, @tool, @server, @input, @agent_text, NULL, @input_schema, @diff)`);
  const get = db.prepare<[string], Row>('SELECT * FROM tool_call_approvals WHERE approval_id = ?');
  const ofTask = db.prepare<[string, string], Row>(
    'SELECT * FROM tool_call_approvals WHERE run_id = ? AND task_id = ? ORDER BY attempt, rowid',
  );
  const openOf = db.prepare<[string, string, number], { n: number }>(
    `SELECT count(*) AS n FROM tool_call_approvals t JOIN approvals a ON a.id = t.approval_id
     WHERE t.run_id = ? AND t.task_id = ? AND t.attempt = ? AND a.status = 'pending'`,
  );
  const take =
    db.prepare(`INSERT OR IGNORE INTO tool_call_takers (approval_id, run_id, task_id, attempt, call_id)
    VALUES (?, ?, ?, ?, ?)`);
  const takenFor = db.prepare<[string, string, string], { approval_id: string }>(
    'SELECT approval_id FROM tool_call_takers WHERE run_id = ? AND task_id = ? AND call_id = ?',
  );
  const takers = db.prepare<[string, string], { approval_id: string; attempt: number }>(
    `SELECT approval_id, max(attempt) AS attempt FROM tool_call_takers WHERE run_id = ? AND task_id = ?
     GROUP BY approval_id`,
  );
  const edit = db.prepare('UPDATE tool_call_approvals SET edited_input = ? WHERE approval_id = ?');
  const scoped = db.prepare('UPDATE tool_call_approvals SET scope = ? WHERE approval_id = ?');
  return {
    insert(
      r: Omit<ToolCallRecord, 'edited_input' | 'scope' | 'diff'> & { diff?: ToolCallDiff | null },
    ): void {
      insert.run({
        ...r,
        diff: r.diff ? JSON.stringify(r.diff) : null,
        input: JSON.stringify(r.input ?? null),
        input_schema: r.input_schema === null ? null : JSON.stringify(r.input_schema),
      });
    },
    get: (approvalId: string): ToolCallRecord | undefined => {
      const r = get.get(approvalId);
      return r && toRecord(r);
    },
    /** Every call the task's attempts asked about, oldest attempt first. */
    forTask: (runId: string, taskId: string): ToolCallRecord[] => ofTask.all(runId, taskId).map(toRecord),
    /** How many tool calls an attempt has waiting for a person now. */
    openBy: (runId: string, taskId: string, attempt: number): number =>
      openOf.get(runId, taskId, attempt)?.n ?? 0,
    /**
     * A later attempt's call (`callId`) takes an earlier attempt's unheard approval of the same
     * call (`unheardSameCall`): it answers that call only (migration 033).
     */
    take(approvalId: string, runId: string, taskId: string, attempt: number, callId: string): void {
      take.run(approvalId, runId, taskId, attempt, callId);
    },
    /** The approval a call of a later attempt took (`take`), if it did. */
    takenFor: (runId: string, taskId: string, callId: string): string | undefined =>
      takenFor.get(runId, taskId, callId)?.approval_id,
    /** For each approval of the task a later attempt took: the latest attempt that took it. */
    takers: (runId: string, taskId: string): Map<string, number> =>
      new Map(takers.all(runId, taskId).map((r) => [r.approval_id, r.attempt])),
    /** The arguments a person approved instead. */
    setEdited(approvalId: string, input: Record<string, unknown>): void {
      edit.run(JSON.stringify(input), approvalId);
    },
    /** How far a person's approval reaches. */
    setScope(approvalId: string, scope: ToolCallScope): void {
      scoped.run(scope, approvalId);
    },
  };
}
export type ToolCallsRepo = ReturnType<typeof createToolCallsRepo>;
