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

const FIGURES = `sum(h.input_tokens) AS input_tokens, sum(h.output_tokens) AS output_tokens,
  sum(h.cached_input_tokens) AS cached_input_tokens, sum(h.usd) AS usd, sum(h.calls) AS calls,
  sum(h.unknown) AS unknown`;
/** The same, over rows already summed (`u`). */
const REFIGURES = `sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens,
  sum(u.cached_input_tokens) AS cached_input_tokens, sum(u.usd) AS usd, sum(u.calls) AS calls,
  sum(u.unknown) AS unknown`;

/**
 * Who made a call: the attempt's agent, or for a best-of candidate's call the candidate's own
 * (`best_of_candidates`, looked up only for such rows, and only while there are candidates at all).
 */
const agentOf = (candidates: boolean) =>
  candidates
    ? `CASE WHEN h.candidate > 0 THEN coalesce((SELECT b.agent_id FROM best_of_candidates b
         WHERE b.run_id = h.run_id AND b.task_id = h.task_id AND b.attempt = h.attempt
           AND b.candidate = h.candidate), nullif(h.agent_id, '')) ELSE nullif(h.agent_id, '') END`
    : `nullif(h.agent_id, '')`;

/**
 * The statement's FROM and WHERE for a filter over `spend_slots h` (joined to its run `r` only
 * when a plan or project narrows it). Filters not asked for are left out (a statement per shape,
 * prepared once), so the planner sees only what narrows; the range is the table's key.
 */
function fromWhere(f: SpendFilter, agent: string): string {
  const runs = f.planId !== null || f.projectId !== null;
  const c: string[] = [];
  if (f.fromSlot !== null) c.push('h.slot >= @from');
  if (f.toSlot !== null) c.push('h.slot < @to');
  if (f.runId !== null) c.push('h.run_id = @run');
  if (f.planId !== null) c.push('r.plan_id = @plan');
  if (f.projectId !== null) c.push('r.project_id = @project');
  if (f.model !== null) c.push('h.model = @model');
  if (f.agentId !== null) c.push(`${agent} = @agent`);
  if (f.agentIds !== null) c.push(`${agent} IN (SELECT value FROM json_each(@agents))`);
  return `FROM spend_slots h${runs ? ' JOIN runs r ON r.id = h.run_id' : ''}${c.length > 0 ? ` WHERE ${c.join(' AND ')}` : ''}`;
}

/** The day a quarter hour (UTC) is in, `offset` minutes east of UTC. */
function dayOf(slot: string, offset: number): string {
  if (offset === 0) return slot.slice(0, 10);
  const t = Date.parse(`${slot}:00Z`);
  return Number.isNaN(t) ? slot.slice(0, 10) : new Date(t + offset * 60_000).toISOString().slice(0, 10);
}

/**
 * Spend as the Spend screen and `baton spend` read it: model calls' tokens and USD summed from
 * `spend_slots` (migration 038: the usage steps by quarter hour and attempt, kept by triggers as
 * steps are stored), grouped by day, plan, run, agent or model, in a range of quarter hours,
 * filtered. Days are summed here from the quarter hours in the table's own order (no sort in
 * SQLite); the other groupings by SQLite, runs first where a run's plan is asked for.
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
  const anyCandidate = db.prepare('SELECT EXISTS (SELECT 1 FROM best_of_candidates)').pluck();
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
  const sqlOf = (key: SpendKey, f: SpendFilter, agent: string): string => {
    const from = fromWhere(f, agent);
    const none = 'NULL AS plan_id, NULL AS created_at';
    switch (key) {
      case 'day':
        return `SELECT h.slot AS key, ${none}, ${FIGURES} ${from} GROUP BY h.slot`;
      case 'model':
        return `SELECT nullif(h.model, '') AS key, ${none}, ${FIGURES} ${from} GROUP BY h.model`;
      case 'agent':
        return `SELECT ${agent} AS key, ${none}, ${FIGURES} ${from} GROUP BY 1`;
      case 'run':
        return `SELECT u.*, r.plan_id, r.created_at FROM (SELECT h.run_id AS key, ${FIGURES} ${from}
          GROUP BY h.run_id) u JOIN runs r ON r.id = u.key`;
      case 'plan':
        return `SELECT r.plan_id AS key, ${none}, ${REFIGURES} FROM (SELECT h.run_id, ${FIGURES} ${from}
          GROUP BY h.run_id) u JOIN runs r ON r.id = u.run_id GROUP BY r.plan_id`;
      default:
        return key satisfies never;
    }
  };
  // Read in the order of the index on (agent_id, model): no sort.
  const facetsWho = db.prepare<[], { agent: string; model: string }>(
    'SELECT DISTINCT agent_id AS agent, model FROM spend_slots',
  );
  const facetsCandidates = db.prepare<[], string>('SELECT DISTINCT agent_id FROM best_of_candidates').pluck();
  const facetsPlans = db
    .prepare<[], string>(
      'SELECT DISTINCT r.plan_id FROM runs r WHERE EXISTS (SELECT 1 FROM spend_slots h WHERE h.run_id = r.id)',
    )
    .pluck();
  return {
    /** Spend grouped by `key`, in the filter's range. */
    grouped(key: SpendKey, f: SpendFilter): SpendGroupRow[] {
      flushSteps();
      const agent = agentOf(anyCandidate.get() === 1);
      const rows = prepared(sqlOf(key, f, agent)).all(params(f)) as SpendGroupRow[];
      if (key !== 'day') return rows;
      const days = new Map<string, SpendGroupRow>();
      for (const r of rows) {
        const day = dayOf(r.key!, f.tzOffsetMinutes);
        const d = days.get(day);
        if (!d) days.set(day, { ...r, key: day });
        else {
          d.input_tokens += r.input_tokens;
          d.output_tokens += r.output_tokens;
          d.cached_input_tokens += r.cached_input_tokens;
          d.usd += r.usd;
          d.calls += r.calls;
          d.unknown += r.unknown;
        }
      }
      return [...days.values()];
    },
    /** Who and what ever spent (the filters' choices): agents (best-of candidates' too), models, plans. */
    facets(): { agents: string[]; models: string[]; plans: string[] } {
      flushSteps();
      const agents = new Set<string>();
      const models = new Set<string>();
      for (const r of facetsWho.all()) {
        if (r.agent !== '') agents.add(r.agent);
        if (r.model !== '') models.add(r.model);
      }
      for (const a of facetsCandidates.all()) agents.add(a);
      return { agents: [...agents], models: [...models], plans: facetsPlans.all() };
    },
  };
}
export type SpendRepo = ReturnType<typeof createSpendRepo>;
