import type { Agent } from '../../src-shared/schemas/agent.ts';
import type {
  SpendBreakdown,
  SpendFacets,
  SpendFigures,
  SpendQueryParsed,
  SpendRow,
} from '../../src-shared/schemas/spend.ts';
import type { SpendFilter, SpendGroupRow } from '../store/spend-repo.ts';
import type { Store } from '../store/store.ts';

const SLOT_MS = 900_000;

/**
 * The quarter hour (UTC, `2026-01-31T09:45`) an instant is in, or the first one after it (`up`: a
 * range's end). Calls are counted by the quarter hour they began in: a range is whole quarters.
 */
export function slotOf(instant: string, up: boolean): string {
  const ms = Date.parse(instant);
  const slot = (up ? Math.ceil(ms / SLOT_MS) : Math.floor(ms / SLOT_MS)) * SLOT_MS;
  return new Date(slot).toISOString().slice(0, 16);
}

/** The CLI an agent's calls are counted under: a coding agent's `cli`, else its kind (`llm`). */
export const cliOf = (agent: Agent): string => (agent.kind === 'coding' ? agent.cli : agent.kind);

export const NOTHING: SpendFigures = Object.freeze({
  input_tokens: 0,
  output_tokens: 0,
  cached_input_tokens: 0,
  usd: 0,
  calls: 0,
  unknown: 0,
});

/** `a` and `b` together; USD rounded to a billionth (sums of floats gather dust). */
export function plus(a: SpendFigures, b: SpendFigures): SpendFigures {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    usd: Math.round((a.usd + b.usd) * 1e9) / 1e9,
    calls: a.calls + b.calls,
    unknown: a.unknown + b.unknown,
  };
}

const figures = (r: SpendFigures): SpendFigures => plus(NOTHING, r);

/**
 * `spend.report`: the store's sums (`spend_slots`) grouped as asked, each group named as a person
 * reads it. A CLI is its agents' calls together (the store groups by agent; which CLI an agent
 * runs is its configuration's); calls of an agent since removed count under no CLI.
 */
export function spendBreakdown(store: Store, q: SpendQueryParsed): SpendBreakdown {
  const agents = new Map(store.agents.list().map((a) => [a.id, a]));
  const clis = new Map([...agents.values()].map((a) => [a.id, cliOf(a)]));
  const filter: SpendFilter = {
    fromSlot: q.since ? slotOf(q.since, false) : null,
    toSlot: q.until ? slotOf(q.until, true) : null,
    tzOffsetMinutes: q.tz_offset_minutes,
    planId: q.plan_id ?? null,
    projectId: q.project_id ?? null,
    runId: q.run_id ?? null,
    agentId: q.agent_id ?? null,
    model: q.model ?? null,
    agentIds: q.cli ? [...clis].filter(([, cli]) => cli === q.cli).map(([id]) => id) : null,
  };
  const grouped = store.spend.grouped(q.by === 'cli' ? 'agent' : q.by, filter);
  const planNames = new Map(store.plans.list().map((p) => [p.plan_id, p.name]));
  const by = q.by;
  const rows = by === 'cli' ? byCli(grouped, clis) : grouped.map((r) => named(by, r, agents, planNames));
  const total = rows.reduce((t, r) => plus(t, r), NOTHING);
  if (q.by === 'day') rows.sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''));
  else rows.sort((a, b) => b.usd - a.usd || b.unknown - a.unknown || b.calls - a.calls || label(a, b));
  return {
    by: q.by,
    since: q.since ?? null,
    until: q.until ?? null,
    tz_offset_minutes: q.tz_offset_minutes,
    rows,
    total,
    facets: facetsOf(store, clis, planNames),
  };
}

const label = (a: SpendRow, b: SpendRow) => a.label.localeCompare(b.label);

function named(
  by: Exclude<SpendQueryParsed['by'], 'cli'>,
  r: SpendGroupRow,
  agents: ReadonlyMap<string, Agent>,
  planNames: ReadonlyMap<string, string>,
): SpendRow {
  const base = { ...figures(r), key: r.key };
  switch (by) {
    case 'day':
      return { ...base, label: r.key ?? 'no day', detail: null };
    case 'plan':
      return { ...base, label: (r.key && planNames.get(r.key)) ?? r.key ?? 'no plan', detail: r.key };
    case 'run': {
      const plan = r.plan_id === null ? null : (planNames.get(r.plan_id) ?? r.plan_id);
      return { ...base, label: r.key ?? 'no run', detail: plan && `${plan}, started ${r.created_at}` };
    }
    case 'agent': {
      if (r.key === null) return { ...base, label: 'no agent', detail: null };
      const agent = agents.get(r.key);
      return {
        ...base,
        label: agent ? (agent.name ?? agent.id) : r.key,
        detail: agent ? cliOf(agent) : 'removed since',
      };
    }
    case 'model':
      return { ...base, label: r.key ?? 'no model reported', detail: null };
    default:
      return by satisfies never;
  }
}

function byCli(rows: readonly SpendGroupRow[], clis: ReadonlyMap<string, string>): SpendRow[] {
  const merged = new Map<string | null, SpendFigures>();
  for (const r of rows) {
    const cli = (r.key !== null && clis.get(r.key)) || null;
    merged.set(cli, plus(merged.get(cli) ?? NOTHING, r));
  }
  return [...merged].map(([key, f]) => ({
    ...f,
    key,
    label: key ?? 'agents removed since',
    detail: null,
  }));
}

function facetsOf(
  store: Store,
  clis: ReadonlyMap<string, string>,
  planNames: ReadonlyMap<string, string>,
): SpendFacets {
  const seen = store.spend.facets();
  const sorted = (xs: Iterable<string>) => [...xs].sort((a, b) => a.localeCompare(b));
  return {
    plans: sorted(seen.plans).map((id) => ({ id, name: planNames.get(id) ?? id })),
    agents: sorted(seen.agents),
    models: sorted(seen.models),
    clis: sorted(new Set(seen.agents.flatMap((a) => clis.get(a) ?? []))),
  };
}
