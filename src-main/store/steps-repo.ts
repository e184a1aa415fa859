import type { MemoryEntry } from '../../src-shared/schemas/memory.ts';
import type { Step, StoredStep } from '../../src-shared/schemas/step.ts';
import { createSharedRowsWriter } from './batch.ts';
import type { Db } from './db.ts';

/** A step to store: which attempt it belongs to and the agent that ran it. */
export type StepRow = StoredStep & { agent_id: string | null };

/** The attempt steps belong to, and the agent that ran it. */
export interface StepOwner {
  run_id: string;
  task_id: string;
  attempt: number;
  agent_id: string | null;
}

/** What an earlier attempt of a CLI session spent (the stream parsers' `Spent`). */
export interface SessionSpent {
  usd: number | null;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
}

/** Text of a step that a search may find: what was said, which tool with what, what went wrong. */
const SEARCH_INPUT_CHARS = 8_000;

export function stepSearchText(step: Step): string {
  switch (step.kind) {
    case 'message':
    case 'result':
      return step.text;
    case 'error':
      return step.message;
    case 'tool_call': {
      const input = typeof step.input === 'string' ? step.input : JSON.stringify(step.input ?? null);
      return [
        step.name,
        step.server ?? '',
        input.slice(0, SEARCH_INPUT_CHARS),
        step.output ?? '',
        step.error ?? '',
      ]
        .filter(Boolean)
        .join('\n');
    }
    case 'session':
      return [step.session_id, step.agent ?? '', step.model ?? ''].filter(Boolean).join(' ');
    case 'usage':
      return step.model ?? '';
    case 'sandbox':
      return `${step.text}\n${step.process}`;
    case 'check':
      return `${step.check.name} ${step.check.status}\n${step.check.tests?.failing.join('\n') ?? ''}`;
  }
}

/** The memory type a step found by a build-log search has, and the prefix of its entry id. */
export const STEP_ENTRY_TYPE = 'step';
export const STEP_ENTRY_PREFIX = 'step:';

/** A stored step as the build logs show a search hit: an entry of type `step`. */
export function stepAsEntry(
  rowId: number,
  step: StoredStep,
  agentId: string | null,
  projectId: string | null,
): MemoryEntry {
  const { run_id, task_id, attempt, ...bare } = step;
  return {
    id: `${STEP_ENTRY_PREFIX}${rowId}`,
    agent_id: agentId ?? 'agent',
    type: STEP_ENTRY_TYPE,
    content: { run_id, task_id, attempt, step: bare },
    tags: [],
    project_id: projectId,
    status: null,
    task_type: step.kind,
    task_id,
    created_at: step.at,
    updated_at: step.at,
  };
}

/** Values a stored step binds besides its attempt's: seq, kind, at, body, search text. */
const STEP_COLUMNS = 5;

/**
 * What is wrong with a step for its row (null: nothing): its seq, kind and time are columns that
 * may not be empty. Steps wait to be written together (`deferred`), so one that cannot be
 * written would fail the whole batch, and with it the transaction of every step in it: it is
 * refused here, as it is given, instead.
 */
export function stepRowProblem(step: Pick<Step, 'seq' | 'kind' | 'at'>): string | null {
  // What an executor gives is typed, but built at run time from what agents said: looked at as such.
  const { seq, kind, at } = step as { seq: unknown; kind: unknown; at: unknown };
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0)
    return `seq: ${typeof seq === 'bigint' ? String(seq) : (JSON.stringify(seq) ?? 'undefined')} is not a whole number ≥ 0`;
  if (typeof kind !== 'string' || kind === '') return 'kind: missing';
  if (typeof at !== 'string' || at === '') return 'at: missing';
  return null;
}
/** Held-back steps are written once this many values wait (256 rows: `batch.ts`'s largest statement). */
const FLUSH_AT = 256 * STEP_COLUMNS;

/**
 * Upserts a statement's rows (`values`), all of one attempt, whose owner is bound first. The
 * `WHERE true` is SQLite's rule for an upsert whose rows come from a SELECT (else its ON
 * CONFLICT would read as a join's ON).
 */
const upsertSql = (values: string) =>
  `INSERT INTO attempt_steps (run_id, task_id, attempt, seq, kind, at, agent_id, body, search_text)
   SELECT ?, ?, ?, column1, column2, column3, ?, column4, column5 FROM (${values}) WHERE true
   ON CONFLICT (run_id, task_id, attempt, seq) DO UPDATE SET kind = excluded.kind, at = excluded.at,
     agent_id = excluded.agent_id, body = excluded.body, search_text = excluded.search_text`;

interface StepDbRow {
  id: number;
  run_id: string;
  task_id: string;
  attempt: number;
  body: string;
}

const toStored = (r: StepDbRow): StoredStep => ({
  ...(JSON.parse(r.body) as Step),
  run_id: r.run_id,
  task_id: r.task_id,
  attempt: r.attempt,
});

/**
 * Steps of attempts (what an agent that thinks in turns did): one row per (run, task, attempt,
 * seq); a later version of a step replaces the earlier one and keeps its row (and so its place in
 * the search index).
 */
export function createStepsRepo(db: Db) {
  // Many steps of one attempt a statement (`batch.ts`): one statement per step cost about as
  // much as the row, and the attempt's run, task, number and agent are bound once, not per step.
  const writeRows = createSharedRowsWriter(db, upsertSql, STEP_COLUMNS);
  // Steps written inside a store transaction (`deferred`) wait here, their values flat, until it
  // is about to commit, something reads steps, or a step of another attempt comes: a tick's
  // steps go in a few statements.
  let owner: [string, string, number, string | null] = ['', '', 0, null];
  let pending: unknown[] = [];
  let deferring = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    const values = pending;
    pending = [];
    writeRows(owner, values);
  };
  const ownedBy = (runId: string, taskId: string, attempt: number, agentId: string | null): void => {
    const o = owner;
    if (o[0] === runId && o[1] === taskId && o[2] === attempt && o[3] === agentId) return;
    flush();
    owner = [runId, taskId, attempt, agentId];
  };
  const ofTask = db.prepare<[string, string], StepDbRow>(
    'SELECT id, run_id, task_id, attempt, body FROM attempt_steps WHERE run_id = ? AND task_id = ? ORDER BY attempt, seq',
  );
  const ofAttempt = db.prepare<[string, string, number], StepDbRow>(
    'SELECT id, run_id, task_id, attempt, body FROM attempt_steps WHERE run_id = ? AND task_id = ? AND attempt = ? ORDER BY seq',
  );
  const callShown = db
    .prepare<[string, string, number, string], number>(
      "SELECT 1 FROM attempt_steps WHERE run_id = ? AND task_id = ? AND attempt = ? AND kind = 'tool_call' AND json_extract(body, '$.call_id') = ? LIMIT 1",
    )
    .pluck();
  const byId = db.prepare<
    [number],
    StepDbRow & { agent_id: string | null; plan_id: string; project_id: string | null }
  >(
    `SELECT s.id, s.run_id, s.task_id, s.attempt, s.body, s.agent_id, r.plan_id, r.project_id
     FROM attempt_steps s JOIN runs r ON r.id = s.run_id WHERE s.id = ?`,
  );
  // The usage of every attempt of the task whose session step names this session id.
  const sessionSpent = db.prepare<
    { run_id: string; task_id: string; session_id: string; before: number },
    { usd: number | null; priced: number; input: number | null; output: number | null; cached: number | null }
  >(
    `SELECT sum(json_extract(body, '$.cost_usd')) AS usd, count(json_extract(body, '$.cost_usd')) AS priced,
       sum(json_extract(body, '$.input_tokens')) AS input, sum(json_extract(body, '$.output_tokens')) AS output,
       sum(json_extract(body, '$.cached_input_tokens')) AS cached
     FROM attempt_steps u WHERE u.run_id = @run_id AND u.task_id = @task_id AND u.kind = 'usage'
       AND u.attempt < @before
       AND EXISTS (SELECT 1 FROM attempt_steps s WHERE s.run_id = u.run_id AND s.task_id = u.task_id
         AND s.attempt = u.attempt AND s.kind = 'session' AND json_extract(s.body, '$.session_id') = @session_id)`,
  );
  const attemptSpent = db.prepare<[string, string, number], { usd: number | null; unknown: number }>(
    `SELECT sum(json_extract(body, '$.cost_usd')) AS usd,
       count(*) - count(json_extract(body, '$.cost_usd')) AS unknown FROM attempt_steps
     WHERE run_id = ? AND task_id = ? AND attempt = ? AND kind = 'usage'`,
  );
  const put = (step: Step) => {
    const problem = stepRowProblem(step);
    if (problem) throw new Error(`step: ${problem}`);
    pending.push(step.seq, step.kind, step.at, JSON.stringify(step), stepSearchText(step));
  };
  const written = (): void => {
    if (deferring === 0 || pending.length >= FLUSH_AT) flush();
  };
  return {
    /** Stores steps (a step already stored under its seq is replaced). */
    upsert(rows: readonly StepRow[]): void {
      for (const r of rows) {
        const { run_id, task_id, attempt, agent_id, ...step } = r;
        ownedBy(run_id, task_id, attempt, agent_id);
        put(step as Step);
      }
      written();
    },
    /**
     * Stores steps of one attempt as its executor gave them: the same rows as `upsert`, without
     * copying each step into a row first (the engine stores every step of every stream).
     */
    upsertOf(of: StepOwner, steps: readonly Step[]): void {
      ownedBy(of.run_id, of.task_id, of.attempt, of.agent_id);
      for (const step of steps) put(step);
      written();
    },
    /**
     * Runs `fn` (a store transaction's body) with the steps it writes held back and written
     * together at its end, in the order they were given; dropped if `fn` throws (the
     * transaction rolls back). The store flushes what an enclosing transaction holds before a
     * nested one starts, so what is dropped is only the nested one's.
     */
    deferred<T>(fn: () => T): T {
      deferring++;
      try {
        const result = fn();
        flush();
        return result;
      } catch (err) {
        pending = [];
        throw err;
      } finally {
        deferring--;
      }
    },
    /** Writes the steps held back now (before a nested transaction, or a search of steps). */
    flush,
    /** A task's steps, every attempt (or one), in order. */
    list: (runId: string, taskId: string, attempt?: number): StoredStep[] => {
      flush();
      return (attempt === undefined ? ofTask.all(runId, taskId) : ofAttempt.all(runId, taskId, attempt)).map(
        toStored,
      );
    },
    /** Whether the attempt's steps stored so far show the tool call `callId`. */
    hasCall: (runId: string, taskId: string, attempt: number, callId: string): boolean => {
      flush();
      return callShown.get(runId, taskId, attempt, callId) !== undefined;
    },
    /** One stored step by its row id (a search hit's `step:<id>`), with its run's plan and project. */
    byId(id: number) {
      flush();
      const r = byId.get(id);
      return r && { step: toStored(r), agent_id: r.agent_id, plan_id: r.plan_id, project_id: r.project_id };
    },
    /** What the attempts before `before` that ran in CLI session `sessionId` spent (a resumed session's prior). */
    sessionSpent(runId: string, taskId: string, sessionId: string, before: number): SessionSpent {
      flush();
      const r = sessionSpent.get({ run_id: runId, task_id: taskId, session_id: sessionId, before });
      return {
        usd: r && r.priced > 0 ? (r.usd ?? 0) : null,
        input_tokens: r?.input ?? 0,
        output_tokens: r?.output ?? 0,
        cached_input_tokens: r?.cached ?? 0,
      };
    },
    /**
     * USD the stored usage steps of one attempt add up to (0 when none was priced), and how many
     * of them have no USD figure (their cost unknown).
     */
    attemptSpent(runId: string, taskId: string, attempt: number): { usd: number; unknown: number } {
      flush();
      const r = attemptSpent.get(runId, taskId, attempt);
      return { usd: r?.usd ?? 0, unknown: r?.unknown ?? 0 };
    },
  };
}
export type StepsRepo = ReturnType<typeof createStepsRepo>;
