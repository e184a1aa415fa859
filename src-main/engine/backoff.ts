import type { RetryPolicy } from '../../src-shared/schemas/plan.ts';

/**
 * Delay before attempt `next` (2, 3, …): exponential from `initial_ms` by `factor`, capped at
 * `max_ms`, then spread by ±jitter so retries of many tasks do not arrive together.
 */
export function retryDelay(policy: RetryPolicy, next: number, random: () => number): number {
  const { initial_ms, max_ms, factor, jitter } = policy.backoff;
  const base = Math.min(max_ms, initial_ms * factor ** Math.max(0, next - 2));
  const spread = 1 + jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base * spread));
}
