import type { UsageLimitSignal } from '../../../src-shared/schemas/usage-limit.ts';
import type { ExecutorEvent } from '../../engine/executor.ts';

/**
 * One try of something that may fail: a value, or why not and whether trying again may help;
 * `limit` when the server said the account ran out (`limitOfAnswer`).
 */
export type Attempt<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: string;
      retryable: boolean;
      retryAfterMs?: number;
      aborted?: boolean;
      limit?: UsageLimitSignal;
    };

export interface RetryPolicy {
  maxRetries: number;
  /** The first delay; each retry doubles it, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** In [0, 1); injected so tests can fix it. */
  random: () => number;
}

const DEFAULT_RETRY_BASE_MS = 500;
const DEFAULT_RETRY_MAX_MS = 15_000;

/** How an executor backs off between retries; tests shorten the waits and fix the jitter. */
export interface RetryOptions {
  random?: () => number;
  /**
   * The engine's clock (its `clock` option), which a usage limit's reset given as a time is
   * measured on; Date.now by default.
   */
  engineNow?: () => number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** An agent's retry policy: its `max_retries`, with the backoff of `opts` or the defaults. */
export function retryPolicy(maxRetries: number, opts: RetryOptions): RetryPolicy {
  return {
    maxRetries,
    baseMs: opts.retryBaseMs ?? DEFAULT_RETRY_BASE_MS,
    maxMs: opts.retryMaxMs ?? DEFAULT_RETRY_MAX_MS,
    random: opts.random ?? Math.random,
  };
}

/** Exponential backoff with jitter: somewhere between half and all of `base × 2^retry`. */
export function backoffMs(retry: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs' | 'random'>): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.random());
}

/** Waits `ms`, or less if `signal` aborts first; never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Tries `attempt` until it succeeds, fails for good, or `maxRetries` retries are used up,
 * waiting with backoff (or the server's Retry-After) in between. Each retry is announced
 * as an `info` log event; aborting `signal` ends the wait at once.
 */
export async function* withRetries<T>(
  attempt: () => Promise<Attempt<T>>,
  policy: RetryPolicy,
  signal: AbortSignal,
): AsyncGenerator<ExecutorEvent, Attempt<T>> {
  for (let retry = 0; ; retry++) {
    const result = await attempt();
    if (result.ok || !result.retryable || retry >= policy.maxRetries || signal.aborted) return result;
    // A limit that lasts longer than a retry waits (or whose reset is not said) is the engine's to
    // wait out, every agent on the account with it: the attempt ends at once, waiting for quota.
    if (result.limit && !(result.retryAfterMs !== undefined && result.retryAfterMs <= policy.maxMs))
      return result;
    const wait = Math.min(policy.maxMs, result.retryAfterMs ?? backoffMs(retry, policy));
    yield {
      type: 'log',
      stream: 'info',
      text: `${result.error}; retry ${retry + 1} of ${policy.maxRetries} in ${wait} ms`,
    };
    await sleep(wait, signal);
    if (signal.aborted) return { ok: false, error: 'cancelled', retryable: false, aborted: true };
  }
}
