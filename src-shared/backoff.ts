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
 * designer tells people "at most max_ms"). A spread past the cap is folded back below it, not
 * cut at it: cut, half of all capped retries would wait exactly `max_ms`, together again.
 */
export function retryDelay(policy: RetryPolicy, next: number, random: () => number): number {
  const max = policy.backoff.max_ms;
  const base = backoffBase(policy.backoff, next);
  const spread = base * (1 + policy.backoff.jitter * (2 * random() - 1));
  const folded = spread > max ? 2 * max - spread : spread;
  return Math.max(0, Math.round(folded));
}
