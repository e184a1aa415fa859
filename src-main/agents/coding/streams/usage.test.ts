import { describe, expect, it } from 'vitest';
import { costOf, DEFAULT_PRICES, priceFor, roundUsd } from './prices.ts';
import { NOTHING_SPENT, UsageLedger } from './usage.ts';

const tokens = (input_tokens: number, output_tokens: number, cached_input_tokens = 0) => ({
  input_tokens,
  output_tokens,
  cached_input_tokens,
});

describe('prices', () => {
  it('finds a model by its name, without a provider prefix, or without a date suffix', () => {
    const sonnet = DEFAULT_PRICES['claude-sonnet-4-5'];
    expect(priceFor(DEFAULT_PRICES, 'claude-sonnet-4-5')).toBe(sonnet);
    expect(priceFor(DEFAULT_PRICES, 'anthropic/claude-sonnet-4-5')).toBe(sonnet);
    expect(priceFor(DEFAULT_PRICES, 'claude-sonnet-4-5-20250929')).toBe(sonnet);
    expect(priceFor(DEFAULT_PRICES, 'gpt-4.1-2025-04-14')).toBe(DEFAULT_PRICES['gpt-4.1']);
    expect(priceFor(DEFAULT_PRICES, 'scripted-qwen')).toBeNull();
    expect(priceFor(DEFAULT_PRICES, null)).toBeNull();
    // Only the table's own entries: not Object.prototype's.
    expect(priceFor(DEFAULT_PRICES, 'constructor')).toBeNull();
  });

  it('prices input, output and cached input per million tokens; cached at the input price when not given', () => {
    expect(
      costOf({ input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3 }, tokens(1e6, 1e5, 2e5)),
    ).toBe(3 + 1.5 + 0.06);
    expect(costOf({ input_per_mtok: 2, output_per_mtok: 8 }, tokens(0, 0, 1e6))).toBe(2);
    expect(roundUsd(-1)).toBe(0);
    expect(roundUsd(Number.NaN)).toBe(0);
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
  });
});

describe('UsageLedger', () => {
  it('records a request as a delta and keeps spent as the sum', () => {
    const ledger = new UsageLedger(NOTHING_SPENT, { m: { input_per_mtok: 1, output_per_mtok: 2 } });
    expect(ledger.request('m', tokens(1000, 100))).toEqual({
      model: 'm',
      ...tokens(1000, 100),
      cost_usd: 0.0012,
      cost_source: 'priced',
    });
    expect(ledger.request('other', tokens(10, 0))).toMatchObject({ cost_usd: null, cost_source: 'unpriced' });
    expect(ledger.request('m', tokens(0, 0))).toBeNull();
    expect(ledger.spent).toEqual({ usd: 0.0012, ...tokens(1010, 100) });
  });

  it('turns session totals into what is new: minus prior, minus what this attempt recorded', () => {
    const prior = { usd: 1, ...tokens(1000, 100, 50) };
    const ledger = new UsageLedger(prior, {});
    ledger.request('m', tokens(200, 0));
    expect(ledger.sessionTotals('m', tokens(1500, 130, 50), 1.5)).toEqual({
      model: 'm',
      ...tokens(300, 30, 0),
      cost_usd: 0.5,
      cost_source: 'reported',
    });
    // Totals that say nothing new, or less (a CLI whose totals restart), add nothing.
    expect(ledger.sessionTotals('m', tokens(1500, 130, 50), 1.5)).toBeNull();
    expect(ledger.sessionTotals('m', tokens(0, 0, 0), 0)).toBeNull();
    expect(ledger.spent).toEqual({ usd: 0.5, ...tokens(500, 30, 0) });
  });

  it('takes a prior it cannot trust as nothing', () => {
    const ledger = new UsageLedger(
      { usd: Number.NaN, ...tokens(Number.NaN, -5, Number.POSITIVE_INFINITY) },
      {},
    );
    expect(ledger.sessionTotals(null, tokens(10, 10, 10), 2)).toMatchObject({
      ...tokens(10, 10, 10),
      cost_usd: 2,
    });
  });
});
