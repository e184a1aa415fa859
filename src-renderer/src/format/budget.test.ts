import { describe, expect, it } from 'vitest';
import { spendMeter, spendWords } from './budget.ts';

describe('spendWords', () => {
  it('says how much is left, or how much over', () => {
    expect(spendWords(24.5, 12)).toBe('24.5 of 12 — 12.5 over budget');
    expect(spendWords(3, 12)).toBe('3 of 12 — 9 left');
    expect(spendWords(12, 12)).toBe('12 of 12 — all of it spent');
    expect(spendWords(0.1 + 0.2, 1)).toBe('0.3 of 1 — 0.7 left');
    expect(spendWords(5, null)).toBe('5 spent · no budget');
  });

  it('says spend of unknown cost, never leaving it out', () => {
    expect(spendWords(1.2, null, 2)).toBe('1.2 + unknown spent · no budget');
    expect(spendWords(0, null, 1)).toBe('unknown spent · no budget');
    expect(spendWords(3, 12, 1)).toBe('3 + unknown of 12 — at most 9 left');
    expect(spendWords(24.5, 12, 1)).toBe('24.5 + unknown of 12 — 12.5 or more over budget');
  });
});

describe('spendMeter', () => {
  it('puts an overspend in the meter region that is worst', () => {
    const m = spendMeter(24.5, 12);
    // Low is optimum; a value past `high` is the "even less good" region a browser shows red.
    expect(m.optimum).toBeLessThan(m.low);
    expect(m.value).toBeGreaterThan(m.high);
    expect(m.max).toBe(24.5);
    const ok = spendMeter(3, 12);
    expect(ok.value).toBeLessThanOrEqual(ok.low);
    expect(ok.max).toBe(12);
  });
});
