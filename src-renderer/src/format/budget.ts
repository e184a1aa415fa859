/** How much of a budget is spent, in words and as a `<meter>` that turns red when over. */
import { costWords } from '../../../src-shared/schemas/plain/run.ts';
import { cost } from '../../../src-shared/spend/words.ts';

/** A sum of costs as a person reads it: at most two decimals, no float dust (0.1 + 0.2 → 0.3). */
export const amount = (n: number) => String(Math.round(n * 100) / 100);

/**
 * A budget's spend in words; `unknown` model calls of unknown cost make the spend "X + unknown"
 * and what is left "at most" what the known spend leaves.
 */
export function spendWords(spent: number, budget: number | null, unknown = 0): string {
  // Money in the one wording every screen uses (`cost`, as `spendText` writes it).
  const so = costWords(spent, unknown, cost);
  if (budget === null) return `${so} spent · no budget`;
  const text = `${so} of ${cost(budget)}`;
  if (spent > budget) return `${text} — ${cost(spent - budget)}${unknown > 0 ? ' or more' : ''} over budget`;
  if (spent === budget) return `${text} — all of it spent`;
  return `${text} — ${unknown > 0 ? 'at most ' : ''}${cost(budget - spent)} left`;
}

export interface MeterRange {
  min: number;
  max: number;
  low: number;
  high: number;
  optimum: number;
  value: number;
}

/**
 * Low is good: green up to 80 % of the budget, amber up to all of it, red past it. The
 * scale reaches the spend when that is more, so an overspent bar is full and red, never a
 * full green one.
 */
export function spendMeter(spent: number, budget: number): MeterRange {
  return {
    min: 0,
    max: Math.max(budget, spent),
    low: budget * 0.8,
    high: budget,
    optimum: 0,
    value: spent,
  };
}
