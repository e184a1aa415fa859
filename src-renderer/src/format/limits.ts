import { QUOTA_WAIT_PREFIX, quotaWaitUntil } from '../../../src-shared/schemas/plain/usage-limit.ts';

/** How long until a reset, as the countdown says it: `1 h 12 m`, `12 m`, `2 d 3 h`, `under a minute`. */
export function resetsIn(ms: number): string {
  if (!(ms >= 60_000)) return 'under a minute';
  // Rounded as the next attempt's "in 1 h 12 min" is (formatDuration).
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return m > 0 ? `${hours} h ${m} m` : `${hours} h`;
  return `${m} m`;
}

/** A reset's time on this machine's clock: `14:05`, or `27 Nov 14:05` when it is not today. */
export function resetClock(at: number, now: number): string {
  const d = new Date(at);
  const time = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (d.toDateString() === new Date(now).toDateString()) return time;
  return `${d.getDate()} ${d.toLocaleString('en', { month: 'short' })} ${time}`;
}

/** `14:05 (resets in 1 h 12 m)`: when, and the countdown to it. */
export const untilWithCountdown = (at: number, now: number): string =>
  `${resetClock(at, now)} (resets in ${resetsIn(at - now)})`;

/** An agent's row: `limited until 14:05 (resets in 1 h 12 m)`. */
export const limitedUntil = (until: string, now: number): string =>
  `limited until ${untilWithCountdown(Date.parse(until), now)}`;

/**
 * A task's reason with the limit's time as a person reads it: a quota wait's (`Waiting for quota
 * until 14:05 (resets in 1 h 12 m): …`) and matching's "why not" of a limited agent (`limited
 * until …`); any other reason as it is.
 */
export function withCountdown(reason: string, now: number): string {
  const waitUntil = quotaWaitUntil(reason);
  if (waitUntil !== null) {
    // The reset said again further on (the engine's "it resets at …"), on the same clock.
    const rest = reason
      .slice(QUOTA_WAIT_PREFIX.length)
      .replace(/^\S+Z/, '')
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, (iso) => resetClock(Date.parse(iso), now));
    return `${QUOTA_WAIT_PREFIX}${untilWithCountdown(waitUntil, now)}${rest}`;
  }
  const limited = /^limited until (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(reason);
  const at = limited ? Date.parse(limited[1]!) : Number.NaN;
  if (Number.isNaN(at)) return reason;
  return `limited until ${untilWithCountdown(at, now)}${reason.slice(limited![0].length)}`;
}
