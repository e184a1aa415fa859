import type { SpendFigures } from '../../src-shared/schemas/spend.ts';
import type { Db } from './db.ts';

/** What the store groups spend by: `cli` is asked as `agent`, each agent's CLI being the app's to know. */
export type SpendKey = 'day' | 'plan' | 'run' | 'agent' | 'model';

/** A spend query as the store runs it: quarter hours (UTC, `2026-01-31T09:45`) and plain filters. */
export interface SpendFilter {
  /** The first quarter hour counted, null: from the start. */
  fromSlot: string | null;
  /** The first quarter hour not counted, null: to the end. */
  toSlot: string | null;
  /** Days are counted this many minutes east of UTC (the viewer's offset). */
  tzOffsetMinutes: number;
  planId: string | null;
  projectId: string | null;
  runId: string | null;
  agentId: string | null;
  model: string | null;
  /** Only these agents (a CLI's); null: any. */
  agentIds: readonly string[] | null;
}

export interface SpendGroupRow extends SpendFigures {
  key: string | null;
  /** For runs: the run's plan and when it started. */
  plan_id: string | null;
  created_at: string | null;
}

/** Who made a call: a best-of candidate's agent, else the attempt's. */
const AGENT = `coalesce(b.agent_id, nullif(h.agent_id, ''))`;

const KEYS: Record<SpendKey, string> = {
  day: `date(h.slot, @shift)`,
  plan: 'r.plan_id',
  run: 'h.run_id',
  agent: AGENT,
  model: `nullif(h.model, '')`,
};

const FIGURES = `sum(h.input_tokens) AS input_tokens, sum(h.output_tokens) AS output_tokens,
  sum(h.cached_input_tokens) AS cached_input_tokens, sum(h.usd) AS usd, sum(h.calls) AS calls,
  sum(h.unknown) AS unknown`;

/**
 * The conditions of a filter, as SQL over `spend_slots h` joined to its run `r` and best-of
 * candidate `b`. Filters not asked for are left out of the statement (a statement per shape,
 * prepared once), so the planner sees only what narrows.
 */
function where(f: SpendFilter): string {
  const c: string[] = [];
  if (f.fromSlot !== null) c.push('h.slot >= @from');
  if (f.toSlot !== null) c.push('h.slot < @to');
  if (f.runId !== null) c.push('h.run_id = @run');
  if (f.planId !== null) c.push('r.plan_id = @plan');
  if (f.projectId !== null) c.push('r.project_id = @project');
  if (f.model !== null) c.push('h.model = @model');
  if (f.agentId !== null) c.push(`${AGENT} = @agent`);
  if (f.agentIds !== null) c.push(`${AGENT} IN (SELECT value FROM json_each(@agents))`);
  return c.length > 0 ? `WHERE ${c.join(' AND ')}` : '';
}

const FROM = `FROM spend_slots h JOIN runs r ON r.id = h.run_id
  LEFT JOIN best_of_candidates b ON h.candidate > 0 AND b.run_id = h.run_id AND b.task_id = h.task_id
    AND b.attempt = h.attempt AND b.candidate = h.candidate`;

/**
 * Spend as the Spend screen and `baton spend` read it: model calls' tokens and USD summed from
 * `spend_slots` (migration 038: the usage steps by quarter hour and attempt, kept by triggers as steps are
 * stored), grouped by day, plan, run, agent or model, in a range of quarter hours, filtered.
 */
export function createSpendRepo(db: Db, flushSteps: () => void) {
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  const prepared = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const params = (f: SpendFilter) => {
    const p: Record<string, unknown> = {};
    if (f.fromSlot !== null) p.from = f.fromSlot;
    if (f.toSlot !== null) p.to = f.toSlot;
    if (f.runId !== null) p.run = f.runId;
    if (f.planId !== null) p.plan = f.planId;
    if (f.projectId !== null) p.project = f.projectId;
    if (f.model !== null) p.model = f.model;
    if (f.agentId !== null) p.agent = f.agentId;
    if (f.agentIds !== null) p.agents = JSON.stringify(f.agentIds);
    return p;
  };
  return {
    /** Spend grouped by `key`, in the filter's range. */
    grouped(key: SpendKey, f: SpendFilter): SpendGroupRow[] {
      flushSteps();
      const extra =
        key === 'run'
          ? 'r.plan_id AS plan_id, r.created_at AS created_at'
          : 'NULL AS plan_id, NULL AS created_at';
      const sql = `SELECT ${KEYS[key]} AS key, ${extra}, ${FIGURES} ${FROM} ${where(f)} GROUP BY 1`;
      const p = params(f);
      if (key === 'day') p.shift = `${f.tzOffsetMinutes >= 0 ? '+' : ''}${f.tzOffsetMinutes} minutes`;
      return prepared(sql).all(p) as SpendGroupRow[];
    },
    /** Who and what spent in the range (filters but the range left out): the filters' choices. */
    facets(
      f: Pick<SpendFilter, 'fromSlot' | 'toSlot'>,
    ): { agent: string | null; model: string; plan_id: string }[] {
      flushSteps();
      const all: SpendFilter = {
        ...f,
        tzOffsetMinutes: 0,
        planId: null,
        projectId: null,
        runId: null,
        agentId: null,
        model: null,
        agentIds: null,
      };
      const sql = `SELECT DISTINCT ${AGENT} AS agent, h.model AS model, r.plan_id AS plan_id ${FROM} ${where(all)}`;
      return prepared(sql).all(params(all)) as { agent: string | null; model: string; plan_id: string }[];
    },
  };
}
export type SpendRepo = ReturnType<typeof createSpendRepo>;
