import type { PriceInput, PriceRow } from '../../src-shared/schemas/spend.ts';
import { DEFAULT_PRICES, DEFAULT_PRICES_FROM } from '../agents/coding/index.ts';
import type { StoredPrice } from '../store/prices-repo.ts';
import type { Store } from '../store/store.ts';

/**
 * The price table as `spend.prices.list` shows it: Baton's own prices (from the day they were
 * taken) and every price people set, each model's newest first, with which is in effect now. A
 * price set for a day before it was set is in effect from when it was set (`inEffectAt`).
 */
export function priceRows(store: Store, now: string): PriceRow[] {
  const set = store.prices.list();
  const inEffect = new Map(store.prices.inEffectAt(now).map((p) => [p.model, p]));
  const rows: PriceRow[] = set.map((p) => ({
    ...stored(p),
    current: inEffect.get(p.model)?.effective_from === p.effective_from,
  }));
  for (const [model, price] of Object.entries(DEFAULT_PRICES))
    rows.push({
      model,
      input_per_mtok: price.input_per_mtok,
      output_per_mtok: price.output_per_mtok,
      cached_input_per_mtok: price.cached_input_per_mtok ?? null,
      effective_from: DEFAULT_PRICES_FROM,
      source: 'builtin',
      set_at: null,
      set_by: null,
      current: !inEffect.has(model),
    });
  return rows.sort(
    (a, b) =>
      a.model.localeCompare(b.model) ||
      b.effective_from.localeCompare(a.effective_from) ||
      (b.set_at ?? '').localeCompare(a.set_at ?? ''),
  );
}

function stored(p: StoredPrice): Omit<PriceRow, 'current'> {
  return {
    model: p.model,
    input_per_mtok: p.input_per_mtok,
    output_per_mtok: p.output_per_mtok,
    cached_input_per_mtok: p.cached_input_per_mtok,
    effective_from: p.effective_from,
    source: 'set',
    set_at: p.set_at,
    set_by: p.set_by,
  };
}

/** Stores a price a person set (its day today when none is given) and answers it as listed. */
export function setPrice(store: Store, input: PriceInput, actor: string, now: string): PriceRow {
  const saved = store.prices.set({
    model: input.model,
    effective_from: input.effective_from ?? now.slice(0, 10),
    input_per_mtok: input.input_per_mtok,
    output_per_mtok: input.output_per_mtok,
    cached_input_per_mtok: input.cached_input_per_mtok ?? null,
    set_at: now,
    set_by: actor,
  });
  return priceRows(store, now).find(
    (r) => r.source === 'set' && r.model === saved.model && r.effective_from === saved.effective_from,
  )!;
}
