/**
 * What a model's tokens cost, in USD per million tokens: how Baton prices a coding CLI's usage
 * when the CLI does not say what it cost (codex, qwen, opencode without a price in its config;
 * claude's running estimate before its final report).
 */
export interface ModelPrice {
  input_per_mtok: number;
  output_per_mtok: number;
  /** Input read from the provider's prompt cache; the input price when not given. */
  cached_input_per_mtok?: number;
}

/** Prices by model name, as the CLI or the agent config names the model. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * When the list prices below were taken: the providers' public pricing pages as known in
 * November 2025. They were not checked again since (this machine cannot go online), and
 * providers change them: an agent config's own `prices` wins over this table, and a model in
 * neither is `unpriced` (its tokens counted, its cost unknown). Prompt-cache writes are priced
 * as ordinary input (Anthropic charges 1.25× for them). Qwen models are not listed: Alibaba's
 * prices are tiered by request size, which a flat per-token price cannot say.
 */
export const DEFAULT_PRICES_AS_OF = '2025-11';

export const DEFAULT_PRICES: PriceTable = {
  // Anthropic (claude.com/pricing)
  'claude-opus-4-5': { input_per_mtok: 5, output_per_mtok: 25, cached_input_per_mtok: 0.5 },
  'claude-opus-4-1': { input_per_mtok: 15, output_per_mtok: 75, cached_input_per_mtok: 1.5 },
  'claude-sonnet-4-5': { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3 },
  'claude-sonnet-4': { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3 },
  'claude-haiku-4-5': { input_per_mtok: 1, output_per_mtok: 5, cached_input_per_mtok: 0.1 },
  // OpenAI (openai.com/api/pricing)
  'gpt-5': { input_per_mtok: 1.25, output_per_mtok: 10, cached_input_per_mtok: 0.125 },
  'gpt-5-codex': { input_per_mtok: 1.25, output_per_mtok: 10, cached_input_per_mtok: 0.125 },
  'gpt-5-mini': { input_per_mtok: 0.25, output_per_mtok: 2, cached_input_per_mtok: 0.025 },
  'gpt-4.1': { input_per_mtok: 2, output_per_mtok: 8, cached_input_per_mtok: 0.5 },
  'o4-mini': { input_per_mtok: 1.1, output_per_mtok: 4.4, cached_input_per_mtok: 0.275 },
};

/** The day Baton's own prices are said to take effect from (`DEFAULT_PRICES_AS_OF`'s first). */
export const DEFAULT_PRICES_FROM = `${DEFAULT_PRICES_AS_OF}-01`;

/**
 * Baton's table with the prices people set over it (those in effect at the time asked: the
 * store's `prices.inEffectAt`): what a coding agent's calls are priced from, its own `prices` over
 * both.
 */
export function pricesWith(
  set: readonly {
    model: string;
    input_per_mtok: number;
    output_per_mtok: number;
    cached_input_per_mtok: number | null;
  }[],
): PriceTable {
  if (set.length === 0) return DEFAULT_PRICES;
  const table: Record<string, ModelPrice> = { ...DEFAULT_PRICES };
  for (const p of set)
    table[p.model] = {
      input_per_mtok: p.input_per_mtok,
      output_per_mtok: p.output_per_mtok,
      ...(p.cached_input_per_mtok === null ? {} : { cached_input_per_mtok: p.cached_input_per_mtok }),
    };
  return table;
}

/**
 * The price of `model` in `table`: by its exact name, else without a provider prefix
 * (`anthropic/claude-sonnet-4-5`, opencode's `provider/model`), else without a date suffix
 * (`claude-sonnet-4-5-20250929`, `gpt-4.1-2025-04-14`). Null when none matches.
 */
export function priceFor(table: PriceTable, model: string | null): ModelPrice | null {
  if (model === null) return null;
  const own = (key: string) => (Object.hasOwn(table, key) ? table[key]! : null);
  const bare = model.slice(model.lastIndexOf('/') + 1);
  const undated = bare.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '');
  return own(model) ?? own(bare) ?? own(undated);
}

export interface TokenCounts {
  /** Input not read from a cache (cache writes included). */
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
}

/** USD for `tokens` at `price`, rounded to a billionth of a dollar. */
export function costOf(price: ModelPrice, tokens: TokenCounts): number {
  const usd =
    (tokens.input_tokens * price.input_per_mtok +
      tokens.output_tokens * price.output_per_mtok +
      tokens.cached_input_tokens * (price.cached_input_per_mtok ?? price.input_per_mtok)) /
    1e6;
  return roundUsd(usd);
}

/** Money as stored: a finite, non-negative amount rounded to a billionth of a dollar. */
export function roundUsd(usd: number): number {
  if (!(usd > 0)) return 0;
  return Math.min(Math.round(usd * 1e9) / 1e9, MAX_USD);
}

/** More than any attempt spends: keeps sums of absurd reported figures finite. */
const MAX_USD = 1e9;
