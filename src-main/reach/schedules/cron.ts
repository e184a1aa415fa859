import { Cron } from 'croner';
import { cronerMessageInWords, cronFieldError } from '../../../src-shared/cron/cron-fields.ts';
import { invalidInput } from '../../base/errors.ts';

/** A cron expression in a time zone, checked: a bad one is `invalid_input` naming `cron` or `timezone`. */
export function parseCron(expr: string, timezone: string): Cron {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw invalidInput('schedule', [
      {
        path: 'timezone',
        message: `"${timezone}" is not a time zone Baton knows (an IANA name like Europe/Paris)`,
      },
    ]);
  }
  // Our own checks first, in words naming the field ("Minute: 61 is not 0–59"); croner's after.
  const wrong = cronFieldError(expr);
  if (wrong) throw invalidInput('schedule', [{ path: 'cron', message: wrong }]);
  try {
    return new Cron(expr, { timezone, paused: true });
  } catch (err) {
    throw invalidInput('schedule', [
      {
        path: 'cron',
        message:
          err instanceof Error ? cronerMessageInWords(err.message) : `"${expr}" is not a cron expression`,
      },
    ]);
  }
}

/** The first fire strictly after `afterMs`, or null when the expression fires no more. */
export function nextFire(cron: Cron, afterMs: number): number | null {
  return cron.nextRun(new Date(afterMs))?.getTime() ?? null;
}

/** Up to `count` fires after `afterMs`. */
export function nextFires(cron: Cron, afterMs: number, count: number): number[] {
  return cron.nextRuns(count, new Date(afterMs)).map((d) => d.getTime());
}
