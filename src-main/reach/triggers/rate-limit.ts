/**
 * Calls a minute per trigger, as a token bucket: `perMinute` calls at once, then one more every
 * 60/perMinute seconds. In memory, per process: a restart starts every bucket full.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Takes one call from `key`'s bucket: 0 when allowed, else the seconds until the next is. */
  take(key: string, perMinute: number): number {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: perMinute, at: now };
    const refill = ((now - b.at) / 60_000) * perMinute;
    b.tokens = Math.min(perMinute, b.tokens + refill);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - b.tokens) * 60) / perMinute));
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }
}
