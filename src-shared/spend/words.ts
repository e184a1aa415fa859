import { costWords } from '../schemas/plain/run.ts';

/**
 * A cost as a person reads it, without float dust: 0.0012000000000000001 → "0.0012",
 * 0.1 + 0.2 → "0.3", 12.3456 → "12.35". A cost under 1 keeps four significant digits (a tiny
 * cost is not zero); one of 1 or more keeps two decimals. The app's screens, the Spend screen's
 * CSV and `baton spend` all write costs with it.
 */
export function cost(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const rounded = Math.abs(n) < 1 ? Number(n.toPrecision(4)) : Math.round(n * 100) / 100;
  // Number() drops the trailing zeros toPrecision leaves; a tiny cost is written plainly, not as 1e-7.
  return Math.abs(rounded) < 1e-6 ? rounded.toFixed(10).replace(/0+$/, '') : String(rounded);
}

/**
 * A spend as every screen says it, one way: what was counted (`cost`), " + unknown" when Baton
 * could not see part of it, "unknown" when none of it was counted (a null, or nothing counted and
 * some unseen), "0" only for nothing spent (`costWords`, the contract's own wording). `unknown`:
 * whether part of it was unseen, or how many model calls of unknown cost there were.
 * `currency` goes before a number: "$" where the spend is a model's, in dollars (a coding
 * attempt's, its steps'); none where it is counted in the plan's budget's units.
 */
export function spendText(counted: number | null, unknown: boolean | number = false, currency = ''): string {
  if (counted === null) return 'unknown';
  const unseen = typeof unknown === 'number' ? unknown > 0 : unknown;
  return costWords(counted, unseen ? 1 : 0, (n) => `${currency}${cost(n)}`);
}
