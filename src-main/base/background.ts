import type { ErrorLog } from './log-line.ts';
import { logToStderr } from './log-line.ts';

/** How long work that fails waits before it is tried again: doubling from `firstMs` up to `maxMs`. */
export interface Backoff {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: 1_000, maxMs: 30_000 };

/**
 * Work Baton does on its own, with nobody waiting for its answer: on a timer, on an interval, in
 * an event's or a stream's callback, after a request was answered. Whatever it throws or rejects
 * with (a full disk, a closed database, a bug) is written to the log, never thrown up through the
 * event loop, where it would end the process.
 *
 * Failures in a row are one streak, logged in one line when it begins (and again only if the
 * error changes), so a job that retries every second while the disk is full does not fill the
 * log. `failed` answers how long to wait before trying again (`Backoff`); a success ends the
 * streak, and the next failure is logged again.
 */
export class BackgroundWork {
  readonly where: string;
  private readonly log: ErrorLog;
  private readonly backoff: Backoff;
  private failures = 0;
  /** Failures ever (never reset): a run during which the work reported one itself is no success. */
  private failuresEver = 0;
  private lastError: string | null = null;

  constructor(where: string, log: ErrorLog = logToStderr, backoff: Backoff = DEFAULT_BACKOFF) {
    this.where = where;
    this.log = log;
    this.backoff = backoff;
  }

  /**
   * Runs `work` now: a throw, or a rejection of the promise it returns, is a failure (`failed`),
   * and `again` (when given) is told how long to wait before the next try. Completing is a
   * success, unless the work reported a failure of its own meanwhile (`failed`).
   */
  run(work: () => unknown, again?: (delayMs: number) => void): void {
    const before = this.failuresEver;
    const done = () => {
      if (this.failuresEver === before) this.succeeded();
    };
    const fail = (err: unknown) => {
      const delay = this.failed(err);
      if (!again) return;
      try {
        again(delay);
      } catch (err2) {
        this.report(err2);
      }
    };
    let result: unknown;
    try {
      result = work();
    } catch (err) {
      fail(err);
      return;
    }
    if (isThenable(result)) result.then(done, fail);
    else done();
  }

  /** `run(work)` once, after `ms`. The timer keeps no process alive. */
  after(ms: number, work: () => unknown): NodeJS.Timeout {
    const timer = setTimeout(() => this.run(work), ms);
    timer.unref();
    return timer;
  }

  /** `run(work)` every `ms` (until the timer is cleared). The timer keeps no process alive. */
  every(ms: number, work: () => unknown): NodeJS.Timeout {
    const timer = setInterval(() => this.run(work), ms);
    timer.unref();
    return timer;
  }

  /**
   * A try failed: logged if it begins a streak (or fails otherwise than the last), and the
   * answer is how long to wait before the next try.
   */
  failed(err: unknown): number {
    this.failures++;
    this.failuresEver++;
    const key = errorKey(err);
    if (this.failures === 1 || key !== this.lastError) this.report(err);
    this.lastError = key;
    return Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** Math.min(this.failures - 1, 30));
  }

  /** A try succeeded: the streak of failures (if any) is over. */
  succeeded(): void {
    this.failures = 0;
    this.lastError = null;
  }

  private report(err: unknown): void {
    try {
      this.log(err, this.where);
    } catch {
      // A log that fails has nowhere else to go.
    }
  }

  /** Tries that failed in a row until now (0: the last one succeeded). */
  get failing(): number {
    return this.failures;
  }
}

/** `work` run once as background work (`BackgroundWork.run`): what it throws or rejects is logged. */
export function inBackground(where: string, work: () => unknown, log?: ErrorLog): void {
  new BackgroundWork(where, log).run(work);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

/** What makes two failures the same: the code and the message. */
function errorKey(err: unknown): string {
  if (err instanceof Error) return `${(err as { code?: unknown }).code ?? ''}:${err.message}`;
  return String(err);
}
