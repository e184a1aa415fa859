import { describe, expect, it } from 'vitest';
import { cost, spendText } from './cost.ts';

describe('cost', () => {
  it('shows a cost without float dust', () => {
    expect(cost(0.0012000000000000001)).toBe('0.0012');
    expect(cost(0.1 + 0.2)).toBe('0.3');
    expect(cost(0.0004 * 3)).toBe('0.0012');
  });
  it('keeps four significant digits under 1, two decimals from 1 up', () => {
    expect(cost(0.123456)).toBe('0.1235');
    expect(cost(12.3456)).toBe('12.35');
    expect(cost(3)).toBe('3');
    expect(cost(1234.5)).toBe('1234.5');
  });
  it('writes a tiny cost plainly, never as zero or in exponent form', () => {
    expect(cost(0.00000012)).toBe('0.00000012');
    expect(cost(0)).toBe('0');
  });
});

describe('spendText', () => {
  it('says a spend one way: counted, counted and unknown, unknown, nothing', () => {
    expect(spendText(0.0123, false, '$')).toBe('$0.0123');
    expect(spendText(0.0123, true, '$')).toBe('$0.0123 + unknown');
    expect(spendText(0, true, '$')).toBe('unknown');
    expect(spendText(null, false, '$')).toBe('unknown');
    expect(spendText(0)).toBe('0');
    expect(spendText(2.5)).toBe('2.5');
    expect(spendText(1.2, 3)).toBe('1.2 + unknown');
    expect(spendText(0, 1)).toBe('unknown');
    expect(spendText(0, 0)).toBe('0');
  });
});
