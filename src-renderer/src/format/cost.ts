import { costWords } from '../../../src-shared/schemas/run.ts';

/**
 * A cost as a person reads it, without float dust: 0.0012000000000000001 → "0.0012",
 * 0.1 + 0.2 → "0.3", 12.3456 → "12.35". Costs are counted in the plan's budget's units, so no
 * currency is named. A cost under 1 keeps four significant digits (a tiny cost is not zero); one
 * of 1 or more keeps two decimals.
 */
export function cost(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const rounded = Math.abs(n) < 1 ? Number(n.toPrecision(4)) : Math.round(n * 100) / 100;
  // Number() drops the trailing zeros toPrecision leaves; a tiny cost is written plainly, not as 1e-7.
  return Math.abs(rounded) < 1e-6 ? rounded.toFixed(10).replace(/0+$/, '') : String(rounded);
}

/**
 * A cost with the part Baton could not see said, never left out as 0: `1.2`, `1.2 + unknown`,
 * `unknown` (`unknown`: model calls of unknown cost beside `n`).
 */
export const costText = (n: number, unknown: number): string => costWords(n, unknown, cost);
