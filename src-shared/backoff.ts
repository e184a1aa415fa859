import type { RetryPolicy } from './schemas/plan.ts';

/**
 * The wait before attempt `next` (2, 3, …) without jitter: exponential from `initial_ms` by
 * `factor`, capped at `max_ms`.
 */
export function backoffBase(
  backoff: Pick<RetryPolicy['backoff'], 'initial_ms' | 'max_ms' | 'factor'>,
  next: number,
): number {
  const { initial_ms, max_ms, factor } = backoff;
  return Math.min(max_ms, initial_ms * factor ** Math.max(0, next - 2));
}

/**
 * Delay before attempt `next` (2, 3, …): exponential from `initial_ms` by `factor`, spread by
 * ±jitter so retries of many tasks do not arrive together, and never more than `max_ms` (the
 * designer tells people "at most max_ms": a capped wait spreads below the cap, not past it).
 */
export function retryDelay(policy: RetryPolicy, next: number, random: () => number): number {
  const base = backoffBase(policy.backoff, next);
  const spread = 1 + policy.backoff.jitter * (2 * random() - 1);
  return Math.min(policy.backoff.max_ms, Math.max(0, Math.round(base * spread)));
}
