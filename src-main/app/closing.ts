import { rmSync } from 'node:fs';
import type { ErrorLog } from '../base/log-line.ts';

// What `app.close()` waits for, bounded (`create-app.ts`).

/** How long close waits for the attempts' programs: past their grace (2 s) and SIGKILL's wait. */
export const ATTEMPTS_STOP_CAP_MS = 10_000;

/** `stopping`, or `capMs` (logged): an executor that ignored its abort (a bug) must not hold close for ever. */
export function stoppedWithin(stopping: Promise<void>, capMs: number, log: ErrorLog): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((done) => {
    timer = setTimeout(() => {
      log(new Error(`attempts still running ${capMs / 1000} s after close began`), 'stopping the agents');
      done();
    }, capMs);
  });
  return Promise.race([stopping, cap]).finally(() => clearTimeout(timer));
}

/**
 * Removes an in-memory app's temp folder. Best effort: an agent process being stopped may still
 * write into its attempt folder while it goes, which makes the removal fail; that is logged, and
 * the folder is left to the system's temp cleaning.
 */
export function removeScratch(dir: string, log: ErrorLog): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch (err) {
    log(err, `removing ${dir}`);
  }
}
