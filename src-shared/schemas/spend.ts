import { z } from 'zod';
import type { SpendGroup } from './plain/spend.ts';
import { SPEND_GROUPS } from './plain/spend.ts';

/**
 * Spend: what agents' model calls used (tokens: input, output, read from a cache) and cost (USD),
 * from their usage steps, summed by one of these: the day the calls were made (in the viewer's
 * time zone), the plan or run they were for, the agent that made them, the model, or the agent's
 * CLI (`claude`, `codex`, …; an agent of another kind by its kind, `llm`).
 */

/** What a set of model calls used and cost. */
export interface SpendFigures {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  /** USD of the calls whose cost is known. */
  usd: number;
  /** Model calls. */
  calls: number;
  /** Calls whose cost is not known (no price for the model, or usage Baton could not read): `usd` plus an unknown amount. */
  unknown: number;
}

/** One group of a spend breakdown. */
export interface SpendRow extends SpendFigures {
  /** The day (`2026-01-31`), plan, run, agent, model or CLI; null: calls that name none (no model reported, an agent since gone). */
  key: string | null;
  /** What a person reads for it: the plan's name, the agent's, "no model reported". */
  label: string;
  /** More about it, when there is more: a run's plan and when it started. */
  detail: string | null;
}

/** What the filters offer: who and what ever spent (a choice does not vanish with the range). */
export interface SpendFacets {
  plans: { id: string; name: string }[];
  agents: string[];
  models: string[];
  clis: string[];
}

/** `spend.report`: model calls' spend, grouped one way, in a time range, filtered. */
export interface SpendBreakdown {
  by: SpendGroup;
  since: string | null;
  until: string | null;
  tz_offset_minutes: number;
  /** Days in order (every day of the range with spend); other groups the most spent first. */
  rows: SpendRow[];
  total: SpendFigures;
  facets: SpendFacets;
}

const instant = (what: string) =>
  z
    .string()
    .max(64)
    .refine((v) => !Number.isNaN(Date.parse(v)), `must be a date or time (ISO 8601) ${what}`);
const name = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/** What `spend.report` and `baton spend` take: a grouping, a time range and filters, each optional. */
export const spendQuerySchema = z
  .strictObject({
    by: z.enum(SPEND_GROUPS, { error: `must be one of ${SPEND_GROUPS.join(', ')}` }).default('day'),
    /** From this instant on (calls counted by the quarter hour they began in). */
    since: instant('the range starts at').optional(),
    /** Before this instant. */
    until: instant('the range ends before').optional(),
    /** Days are counted in this offset from UTC (minutes east: +60 for UTC+1); 0 by default. */
    tz_offset_minutes: z
      .number({ error: 'must be a whole number of minutes' })
      .int('must be a whole number of minutes')
      .min(-840, 'must be at least -840 (UTC-14)')
      .max(840, 'must be at most 840 (UTC+14)')
      .default(0),
    plan_id: name.optional(),
    project_id: name.optional(),
    run_id: name.optional(),
    agent_id: name.optional(),
    model: name.optional(),
    cli: name.optional(),
  })
  .refine((q) => !q.since || !q.until || Date.parse(q.since) < Date.parse(q.until), {
    path: ['until'],
    message: 'must be after since',
  });
export type SpendQuery = z.input<typeof spendQuerySchema>;
export type SpendQueryParsed = z.output<typeof spendQuerySchema>;

/** USD per million tokens of one model. */
export interface ModelPrice {
  input_per_mtok: number;
  output_per_mtok: number;
  /** Input read from a prompt cache; the input price when absent. */
  cached_input_per_mtok?: number;
}
/** Prices by model name. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * A model's price in the table from a day on: Baton's own (`builtin`, the providers' list prices
 * when Baton was made) or one a person set. A call is priced when it is made, from the price in
 * effect then (an agent's own `prices` first); its step keeps that cost, so a price set later never
 * changes what a past call cost.
 */
export interface PriceRow {
  model: string;
  input_per_mtok: number;
  output_per_mtok: number;
  /** Null: cached input costs the input price. */
  cached_input_per_mtok: number | null;
  /** The day it takes effect (`2026-02-01`). */
  effective_from: string;
  source: 'builtin' | 'set';
  /** When and by whom it was set; null for Baton's own. */
  set_at: string | null;
  set_by: string | null;
  /** In effect now: the newest of the model's prices that has taken effect. */
  current: boolean;
}

/** A day, `2026-02-01`. */
const daySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day written 2026-02-01')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, 'must be a day that exists');

const perMtok = (what: string) =>
  z
    .number({ error: `must be a number of USD per million ${what} tokens (0 or more)` })
    .nonnegative(`must be 0 or more (USD per million ${what} tokens)`)
    .max(100_000, 'must be at most 100000 USD per million tokens');

/** `spend.prices.set`: a model's price from a day on (today when absent). */
export const priceInputSchema = z.strictObject({
  model: name.regex(/^\S+$/, 'must be a model name without spaces'),
  input_per_mtok: perMtok('input'),
  output_per_mtok: perMtok('output'),
  cached_input_per_mtok: perMtok('cached input').nullable().optional(),
  effective_from: daySchema.optional(),
});
export type PriceInput = z.input<typeof priceInputSchema>;

/** Which budget: a plan's across its runs (`plan`), a plan's for each run (`run`), a project's. */
export type BudgetScopeKind = 'project' | 'plan' | 'run';

/**
 * A budget against what was charged to it (in the budget's units: what agents reported in USD, or
 * tasks' estimates for agents that report nothing), whatever the time range.
 */
export interface BudgetStatus {
  scope: BudgetScopeKind;
  /** The project's or plan's id. */
  id: string;
  name: string;
  budget: number;
  /** For a budget per run: its latest run's spend (and that run); otherwise the whole scope's. */
  spent: number;
  unknown: number;
  run_id: string | null;
  /** `reached`: all of it spent; `over`: more than it. */
  state: 'within' | 'reached' | 'over';
  /** When what was charged first reached it (`budget.reached`), null if never. */
  reached_at: string | null;
  /** For a budget per run: every run that spent more than it. */
  runs_over: { run_id: string; spent: number }[];
}
