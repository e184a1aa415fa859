import type { Db } from './db.ts';

/** A price a person set (migration 038), as stored. */
export interface StoredPrice {
  model: string;
  effective_from: string;
  input_per_mtok: number;
  output_per_mtok: number;
  cached_input_per_mtok: number | null;
  set_at: string;
  set_by: string;
}

/**
 * The prices people set, each from the day it takes effect: one row per model and day (set again
 * for the same day, it replaces that row). Which of them is in effect at a time is `inEffectAt`'s.
 */
export function createPricesRepo(db: Db) {
  const all = db.prepare<[], StoredPrice>('SELECT * FROM model_prices ORDER BY model, effective_from');
  const upsert = db.prepare(`INSERT INTO model_prices (model, effective_from, input_per_mtok, output_per_mtok,
      cached_input_per_mtok, set_at, set_by)
    VALUES (@model, @effective_from, @input_per_mtok, @output_per_mtok, @cached_input_per_mtok, @set_at, @set_by)
    ON CONFLICT (model, effective_from) DO UPDATE SET input_per_mtok = excluded.input_per_mtok,
      output_per_mtok = excluded.output_per_mtok, cached_input_per_mtok = excluded.cached_input_per_mtok,
      set_at = excluded.set_at, set_by = excluded.set_by`);
  const one = db.prepare<[string, string], StoredPrice>(
    'SELECT * FROM model_prices WHERE model = ? AND effective_from = ?',
  );
  // Each model's newest price that has taken effect by `day` and was set by `at`.
  const atTime = db.prepare<{ day: string; at: string }, StoredPrice>(
    `SELECT * FROM model_prices p WHERE effective_from <= @day AND set_at <= @at
       AND NOT EXISTS (SELECT 1 FROM model_prices q WHERE q.model = p.model AND q.effective_from <= @day
         AND q.set_at <= @at AND (q.effective_from > p.effective_from
           OR (q.effective_from = p.effective_from AND q.set_at > p.set_at)))`,
  );
  return {
    list: (): StoredPrice[] => all.all(),
    get: (model: string, effectiveFrom: string): StoredPrice | undefined => one.get(model, effectiveFrom),
    set(price: StoredPrice): StoredPrice {
      upsert.run(price);
      return one.get(price.model, price.effective_from)!;
    },
    /**
     * The prices in effect at `at` (ISO 8601), by model: each model's latest `effective_from` on or
     * before that day (UTC) among the prices set by then. A price set today from last week's day
     * prices calls from now on: what was priced before it keeps its cost.
     */
    inEffectAt: (at: string): StoredPrice[] => atTime.all({ day: at.slice(0, 10), at }),
  };
}
export type PricesRepo = ReturnType<typeof createPricesRepo>;
