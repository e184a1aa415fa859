import { describe, expect, it } from 'vitest';
import { backoffBase, retryDelay } from './backoff.ts';
import type { RetryPolicy } from './schemas/plan.ts';
import { retryPolicySchema } from './schemas/plan.ts';

/** A policy as a plan would hold it: defaults filled in by the schema. */
const policy = (backoff: Partial<RetryPolicy['backoff']> = {}): RetryPolicy =>
  retryPolicySchema.parse({ max_attempts: 10, backoff });

/** A random source that answers `values` in turn, so each delay is known in advance. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('backoffBase', () => {
  it('waits initial_ms before the second attempt and multiplies by factor for each one after', () => {
    const b = { initial_ms: 1_000, max_ms: 60_000, factor: 2 };
    expect([2, 3, 4, 5, 6].map((n) => backoffBase(b, n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect([2, 3, 4].map((n) => backoffBase({ ...b, factor: 3 }, n))).toEqual([1_000, 3_000, 9_000]);
  });

  it('never waits longer than max_ms, however many attempts came before', () => {
    const b = { initial_ms: 1_000, max_ms: 5_000, factor: 2 };
    expect([4, 5, 6, 20].map((n) => backoffBase(b, n))).toEqual([4_000, 5_000, 5_000, 5_000]);
  });

  it('waits initial_ms when asked about the first attempt (nothing came before it to back off from)', () => {
    expect(backoffBase({ initial_ms: 700, max_ms: 60_000, factor: 2 }, 1)).toBe(700);
  });
});

describe('retryDelay jitter', () => {
  it('is the exact base at random 0.5 and base × (1 ± jitter) at the edges of random', () => {
    const p = policy({ initial_ms: 1_000, max_ms: 60_000, factor: 2, jitter: 0.2 });
    // spread = 1 + jitter × (2r − 1): r = 0 → 0.8, r = 0.5 → 1, r = 1 → 1.2.
    expect(retryDelay(p, 2, () => 0)).toBe(800);
    expect(retryDelay(p, 2, () => 0.25)).toBe(900);
    expect(retryDelay(p, 2, () => 0.5)).toBe(1_000);
    expect(retryDelay(p, 2, () => 0.75)).toBe(1_100);
    expect(retryDelay(p, 2, () => 1)).toBe(1_200);
    expect(retryDelay(p, 3, () => 0)).toBe(1_600);
    expect(retryDelay(p, 3, () => 1)).toBe(2_400);
    expect(retryDelay(p, 4, () => 0)).toBe(3_200);
    expect(retryDelay(p, 4, () => 1)).toBe(4_800);
  });

  it('grows exponentially per attempt whatever the random value', () => {
    const p = policy({ initial_ms: 500, max_ms: 1_000_000, factor: 3, jitter: 0.1 });
    for (const r of [0, 0.3, 0.5, 0.9, 1]) {
      const delays = [2, 3, 4, 5].map((n) => retryDelay(p, n, () => r));
      const spread = 1 + 0.1 * (2 * r - 1);
      expect(delays).toEqual([500, 1_500, 4_500, 13_500].map((b) => Math.round(b * spread)));
    }
    // With ±10 % and ×3 per attempt, even the shortest wait of an attempt is longer than the
    // longest wait of the one before it.
    for (let n = 2; n < 8; n++) {
      expect(retryDelay(p, n + 1, () => 0)).toBeGreaterThan(retryDelay(p, n, () => 1));
    }
  });

  it('stays within ±jitter of the base for any random value in [0, 1)', () => {
    const p = policy({ initial_ms: 1_000, max_ms: 60_000, factor: 2, jitter: 0.3 });
    // A fixed pseudo-random walk over (0, 1) (Park–Miller), the same on every run.
    let seed = 12_345;
    const lcg = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const seen = new Set<number>();
    for (let n = 2; n <= 8; n++) {
      const base = backoffBase(p.backoff, n);
      for (let i = 0; i < 200; i++) {
        const d = retryDelay(p, n, lcg);
        expect(d).toBeGreaterThanOrEqual(Math.round(base * 0.7));
        expect(d).toBeLessThanOrEqual(Math.round(base * 1.3));
        expect(Number.isInteger(d)).toBe(true);
        if (n === 2) seen.add(d);
      }
    }
    // The spread is used, not just allowed: 200 draws give many different waits.
    expect(seen.size).toBeGreaterThan(50);
  });

  it('gives different delays for different random values, so retries of many tasks spread out', () => {
    const p = policy({ initial_ms: 1_000, max_ms: 60_000, factor: 2, jitter: 0.2 });
    const random = sequence(0.1, 0.4, 0.6, 0.9);
    const delays = [1, 2, 3, 4].map(() => retryDelay(p, 3, random));
    expect(delays).toEqual([1_680, 1_920, 2_080, 2_320]);
    expect(new Set(delays).size).toBe(4);
    // And the same random value gives the same delay: the spread comes only from `random`.
    expect(retryDelay(p, 3, () => 0.4)).toBe(retryDelay(p, 3, () => 0.4));
  });

  it('ignores the random value when jitter is 0', () => {
    const p = policy({ initial_ms: 1_000, max_ms: 60_000, factor: 2, jitter: 0 });
    expect([0, 0.2, 0.5, 0.99, 1].map((r) => retryDelay(p, 3, () => r))).toEqual([
      2_000, 2_000, 2_000, 2_000, 2_000,
    ]);
  });

  it('spreads ±20 % when the plan leaves jitter out (the schema default)', () => {
    const p = policy({ initial_ms: 1_000 });
    expect(p.backoff.jitter).toBe(0.2);
    expect(retryDelay(p, 2, () => 0)).toBe(800);
    expect(retryDelay(p, 2, () => 1)).toBe(1_200);
  });

  it('never waits past max_ms, jitter included: a spread past the cap folds back below it', () => {
    const p = policy({ initial_ms: 1_000, max_ms: 5_000, factor: 2, jitter: 0.2 });
    expect(retryDelay(p, 10, () => 0)).toBe(4_000);
    expect(retryDelay(p, 10, () => 0.5)).toBe(5_000);
    expect(retryDelay(p, 10, () => 0.75)).toBe(4_500); // 5,500 folds to 4,500
    expect(retryDelay(p, 10, () => 1)).toBe(4_000); // 6,000 folds to 4,000
    // Below the cap the spread is whole (4,000 × 1.2); close under it, what passes it folds.
    expect(retryDelay(p, 4, () => 1)).toBe(4_800);
    expect(retryDelay(policy({ initial_ms: 4_500, max_ms: 5_000, jitter: 0.2 }), 2, () => 1)).toBe(4_600);
  });

  it('keeps capped retries spread: they do not pile up at max_ms', () => {
    const p = policy({ initial_ms: 1_000, max_ms: 5_000, factor: 2, jitter: 0.2 });
    const waits = Array.from({ length: 1_000 }, (_, i) => retryDelay(p, 10, () => (i + 0.5) / 1_000));
    expect(Math.max(...waits)).toBeLessThanOrEqual(5_000);
    expect(waits.filter((w) => w === 5_000).length).toBeLessThan(5);
    expect(new Set(waits).size).toBeGreaterThan(400);
  });

  it('rounds to whole milliseconds and never goes below zero', () => {
    const p = policy({ initial_ms: 333, max_ms: 60_000, factor: 2, jitter: 0.1 });
    expect(retryDelay(p, 2, () => 0)).toBe(300); // 299.7
    expect(retryDelay(p, 2, () => 1)).toBe(366); // 366.3
    const full = policy({ initial_ms: 1_000, max_ms: 60_000, factor: 2, jitter: 1 });
    expect(retryDelay(full, 2, () => 0)).toBe(0);
    expect(retryDelay(full, 2, () => 1)).toBe(2_000);
    expect(retryDelay(policy({ initial_ms: 0, jitter: 0.5 }), 3, () => 1)).toBe(0);
  });
});
