import { Refused, Unreachable } from './server-link.ts';

/** First wait after a failure, and the longest. */
const FIRST_MS = 500;
const MOST_MS = 30_000;

/** The wait before try `n` (1, 2, …): doubling from half a second, at most 30 s, spread ±20%. */
export function backoffMs(n: number, random: () => number = Math.random): number {
  const base = Math.min(MOST_MS, FIRST_MS * 2 ** Math.max(0, n - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Whether trying again may help: the network, or a refusal that passes (a restart, a busy server). */
export function transient(err: unknown): boolean {
  return err instanceof Unreachable || (err instanceof Refused && err.transient);
}

export function describe(err: unknown): string {
  if (err instanceof Refused) {
    if (err.status === 401)
      return `the server refused the token (${err.message}); a restarted baton serve has a new one unless BATON_TOKEN fixes it`;
    return `${err.message} (HTTP ${err.status})`;
  }
  if (err instanceof Unreachable) return `server unreachable: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Calls to the server that must get through (a completion, a give-back): tried again with backoff
 * while the network or the server fails, each failure said on stderr. Stops trying once the
 * worker stops (`signal`) or the caller says so (`stopped`).
 */
export class Retrier {
  private readonly signal: AbortSignal;
  private readonly say: (line: string) => void;

  constructor(signal: AbortSignal, say: (line: string) => void) {
    this.signal = signal;
    this.say = say;
  }

  async until(
    what: string,
    call: () => Promise<unknown>,
    opts: { stopped?: () => boolean } = {},
  ): Promise<'ok' | 'refused' | 'stopped'> {
    for (let n = 1; ; n++) {
      if (opts.stopped?.() || this.signal.aborted) return 'stopped';
      try {
        await call();
        return 'ok';
      } catch (err) {
        if (!transient(err)) {
          this.say(`${what}: ${describe(err)}`);
          return 'refused';
        }
        const wait = backoffMs(n);
        this.say(`${what}: ${describe(err)}; trying again in ${(wait / 1000).toFixed(1)} s`);
        await sleep(wait, this.signal);
      }
    }
  }

  /** Waits a little longer each time it is called in a row (`fails`: how many in a row). */
  async pause(what: string, fails: number, stopped: () => boolean): Promise<void> {
    const wait = backoffMs(fails);
    this.say(`${what}: the server did not take it; trying again in ${(wait / 1000).toFixed(1)} s`);
    if (!stopped()) await sleep(wait, this.signal);
  }
}
