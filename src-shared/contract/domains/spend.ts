import { z } from 'zod';
import type { BudgetStatus, PriceRow, SpendBreakdown } from '../../schemas/spend.ts';
import { priceInputSchema, spendQuerySchema } from '../../schemas/spend.ts';
import { actorField, idField, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export const spendMethods = {
  /**
   * What agents' model calls used and cost, from their usage steps: tokens (input, output, cached)
   * and USD, grouped by day, plan, run, agent, model or CLI, in a time range, filtered. Calls whose
   * cost is not known are counted apart (`unknown`), never as $0.
   */
  'spend.report': method(spendQuerySchema).returns<SpendBreakdown>(),
  /** The price table: Baton's own prices and those people set, each with the day it took effect. */
  'spend.prices.list': method(none).returns<PriceRow[]>(),
  /**
   * Sets a model's price (USD per million tokens) from a day on, today when none is given: calls
   * made from then are priced by it (an agent's own `prices` still win); a call already priced
   * keeps its cost. Audited.
   */
  'spend.prices.set': method(priceInputSchema.extend({ actor: actorField.optional() })).returns<PriceRow>(),
  /**
   * Every budget against what was charged to it: projects', plans' across their runs, plans' per
   * run (the latest run, and every run that passed it); only those of a project or plan when named.
   */
  'spend.budgets': method(
    z.strictObject({ project_id: idField.optional(), plan_id: idField.optional() }),
  ).returns<BudgetStatus[]>(),
};

export type SpendHandlers = HandlersOf<typeof spendMethods>;
