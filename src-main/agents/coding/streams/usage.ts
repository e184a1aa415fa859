import type { CostSource } from '../../../../src-shared/schemas/step.ts';
import { count } from './json.ts';
import { costOf, type ModelPrice, type PriceTable, priceFor, roundUsd, type TokenCounts } from './prices.ts';

/** What an attempt (or a session before it) spent: tokens, and USD when any of it was priced. */
export interface Spent extends TokenCounts {
  /** USD of the usage that had a price (reported or priced); null when none had. */
  usd: number | null;
}

export const NOTHING_SPENT: Spent = Object.freeze({
  usd: null,
  input_tokens: 0,
  output_tokens: 0,
  cached_input_tokens: 0,
});

/** One usage step's figures: a delta of this attempt. */
export interface UsageDelta extends TokenCounts {
  model: string | null;
  cost_usd: number | null;
  cost_source: CostSource;
}

/**
 * The money side of one attempt. Every figure it hands out is a delta (what one model request,
 * or the part of the run not yet counted, used), so the attempt's spend is the sum of its usage
 * steps, and `spent` is that sum, current after every line.
 *
 * CLIs report two ways: per request (opencode's `step_finish`, qwen's and claude's per-answer
 * usage) — `request` — or as totals over the whole session, earlier runs of a resumed session
 * included (codex's `turn.completed`, qwen's `result.usage`, claude's `total_cost_usd` and
 * `modelUsage`) — `sessionTotals`, which subtracts what the session had spent before this
 * attempt (`prior`, from the stored usage steps of its earlier attempts) and what this attempt
 * already recorded. That difference also charges what an earlier attempt spent but never got to
 * report (killed before its result): the CLI's totals know it, the stored steps do not.
 */
export class UsageLedger {
  readonly spent: Spent = { ...NOTHING_SPENT };
  private readonly prior: Spent;
  private readonly prices: PriceTable;
  /** priceFor by model: a model's price is looked up once. */
  private readonly priceCache = new Map<string | null, ModelPrice | null>();

  constructor(prior: Spent, prices: PriceTable) {
    this.prior = {
      usd: prior.usd === null || !(prior.usd > 0) ? null : roundUsd(prior.usd),
      input_tokens: count(prior.input_tokens),
      output_tokens: count(prior.output_tokens),
      cached_input_tokens: count(prior.cached_input_tokens),
    };
    this.prices = prices;
  }

  /**
   * One model request's tokens; `reportedUsd` when the CLI said what it cost. Null when it
   * used nothing at all.
   */
  request(model: string | null, tokens: TokenCounts, reportedUsd: number | null = null): UsageDelta | null {
    const clean: TokenCounts = {
      input_tokens: count(tokens.input_tokens),
      output_tokens: count(tokens.output_tokens),
      cached_input_tokens: count(tokens.cached_input_tokens),
    };
    if (isZero(clean) && !(reportedUsd !== null && reportedUsd > 0)) return null;
    return this.record(model, clean, reportedUsd);
  }

  /** This run's totals (claude's `result.usage`): what is not yet counted, or null. */
  runTotals(model: string | null, totals: TokenCounts): UsageDelta | null {
    const s = this.spent;
    return this.request(model, {
      input_tokens: totals.input_tokens - s.input_tokens,
      output_tokens: totals.output_tokens - s.output_tokens,
      cached_input_tokens: totals.cached_input_tokens - s.cached_input_tokens,
    });
  }

  /**
   * The session's totals so far (`usdTotal` when the CLI reports money, cumulative too): what
   * this attempt used beyond what is already counted, or null when that is nothing. Each
   * figure is clamped at 0: a CLI whose totals restart (an error result that reports zeros)
   * never takes back what was recorded.
   */
  sessionTotals(model: string | null, totals: TokenCounts, usdTotal: number | null): UsageDelta | null {
    const p = this.prior;
    const s = this.spent;
    // count() clamps each figure at 0.
    const delta: TokenCounts = {
      input_tokens: totals.input_tokens - p.input_tokens - s.input_tokens,
      output_tokens: totals.output_tokens - p.output_tokens - s.output_tokens,
      cached_input_tokens: totals.cached_input_tokens - p.cached_input_tokens - s.cached_input_tokens,
    };
    const usd = usdTotal === null ? null : roundUsd(usdTotal - (p.usd ?? 0) - (s.usd ?? 0));
    return this.request(model, delta, usd);
  }

  private record(model: string | null, tokens: TokenCounts, reportedUsd: number | null): UsageDelta {
    let cost_usd: number | null = null;
    let cost_source: CostSource = 'unpriced';
    if (reportedUsd !== null) {
      cost_usd = roundUsd(reportedUsd);
      cost_source = 'reported';
    } else {
      let price = this.priceCache.get(model);
      if (price === undefined) {
        price = priceFor(this.prices, model);
        this.priceCache.set(model, price);
      }
      if (price !== null) {
        cost_usd = costOf(price, tokens);
        cost_source = 'priced';
      }
    }
    const s = this.spent;
    s.input_tokens = addCount(s.input_tokens, tokens.input_tokens);
    s.output_tokens = addCount(s.output_tokens, tokens.output_tokens);
    s.cached_input_tokens = addCount(s.cached_input_tokens, tokens.cached_input_tokens);
    if (cost_usd !== null) s.usd = roundUsd((s.usd ?? 0) + cost_usd);
    return { model, ...tokens, cost_usd, cost_source };
  }
}

const isZero = (t: TokenCounts) =>
  t.input_tokens === 0 && t.output_tokens === 0 && t.cached_input_tokens === 0;

const addCount = (a: number, b: number) => Math.min(a + b, Number.MAX_SAFE_INTEGER);
