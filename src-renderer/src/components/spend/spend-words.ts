import type { SpendGroup } from '../../../../src-shared/schemas/plain/spend.ts';

/** A count of tokens or calls, grouped by thousands: 1,234,567. */
export const tokens = (n: number): string => n.toLocaleString('en');

/** A count on a chart's scale: 950, 12K, 1.2M. */
export const compactTokens = (n: number): string =>
  new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(n);

/** What a grouping is called in a sentence: "Cost by day", "by CLI". */
export const GROUP_WORDS: Record<SpendGroup, string> = {
  day: 'day',
  plan: 'plan',
  run: 'run',
  agent: 'agent',
  model: 'model',
  cli: 'CLI',
};

/** The grouping's column head. */
export const GROUP_HEADS: Record<SpendGroup, string> = {
  day: 'Day',
  plan: 'Plan',
  run: 'Run',
  agent: 'Agent',
  model: 'Model',
  cli: 'CLI',
};

/** Its groups, counted: "Show all 1,968 runs". */
export const GROUP_PLURALS: Record<SpendGroup, string> = {
  day: 'days',
  plan: 'plans',
  run: 'runs',
  agent: 'agents',
  model: 'models',
  cli: 'CLIs',
};
