/**
 * Sign-in limits: failures are counted per name tried (whether or not anyone has it, so a lockout
 * says nothing of who exists) and per address the request came from. Past `perName` failures in
 * `windowMs` the name is locked for `lockMs`; past `perAddress` the address is. A success clears
 * the name's count. Kept in memory: a restart clears them (the hash's cost still bounds guessing).
 */
export interface SignInLimitOptions {
  perName: number;
  perAddress: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_LIMITS: SignInLimitOptions = {
  perName: 5,
  perAddress: 30,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

interface Count {
  failures: number[];
  lockedUntil: number;
}

/** The most keys kept: past it the oldest are dropped (a flood of names cannot grow memory). */
const MAX_KEYS = 10_000;

export class SignInLimits {
  private readonly counts = new Map<string, Count>();
  private readonly now: () => number;
  private readonly opts: SignInLimitOptions;
  constructor(now: () => number, opts: SignInLimitOptions = DEFAULT_LIMITS) {
    this.now = now;
    this.opts = opts;
  }

  /** Null when a try may go on; else the seconds until it may. */
  blocked(name: string | null, address: string): number | null {
    const t = this.now();
    const keys = [`a:${address}`, ...(name === null ? [] : [`n:${name.toLowerCase()}`])];
    let wait = 0;
    for (const k of keys) {
      const c = this.counts.get(k);
      if (c && c.lockedUntil > t) wait = Math.max(wait, c.lockedUntil - t);
    }
    return wait > 0 ? Math.ceil(wait / 1000) : null;
  }

  failed(name: string | null, address: string): void {
    this.count(`a:${address}`, this.opts.perAddress);
    if (name !== null) this.count(`n:${name.toLowerCase()}`, this.opts.perName);
  }

  succeeded(name: string): void {
    this.counts.delete(`n:${name.toLowerCase()}`);
  }

  private count(key: string, most: number): void {
    const t = this.now();
    const c = this.counts.get(key) ?? { failures: [], lockedUntil: 0 };
    c.failures = c.failures.filter((at) => at > t - this.opts.windowMs);
    c.failures.push(t);
    if (c.failures.length >= most) {
      c.lockedUntil = t + this.opts.lockMs;
      c.failures = [];
    }
    this.counts.delete(key);
    this.counts.set(key, c);
    if (this.counts.size > MAX_KEYS) this.counts.delete(this.counts.keys().next().value!);
  }
}
