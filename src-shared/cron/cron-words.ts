import type { CronField } from './cron-fields.ts';
import { cronParts, FIELDS, fieldValue, MONTH_NAMES, WEEKDAY_NAMES } from './cron-fields.ts';

/**
 * A cron expression read out in plain words ("Every weekday at 09:00"), for the shapes people
 * write most: every N minutes, hourly at :MM, daily at HH:MM, weekdays, some weekdays, a day of
 * the month, a day of the year. Null for anything else (the caller shows the expression itself).
 */

const [MINUTE, HOUR, DAY, MONTH, WEEKDAY] = FIELDS;

const two = (n: number) => String(n).padStart(2, '0');
const clock = (h: number, m: number) => `${two(h)}:${two(m)}`;
const any = (p: string) => p === '*' || p === '?';

/** "a", "a and b", "a, b and c". */
function joined(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st. */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** The values a field lists (`5`, `1,15`, `MON-FRI`, `9-17`), in order without repeats; null for steps, `*`, L, W, #. */
function listed(part: string, f: CronField): number[] | null {
  const out = new Set<number>();
  for (const entry of part.split(',')) {
    const ends = entry.split('-');
    if (ends.length > 2) return null;
    const [a, b] = ends.map((e) => fieldValue(e, f));
    if (a === null || a === undefined || b === null) return null;
    const to = b ?? a;
    if (a < f.min || to > f.max || a > to) return null;
    for (let v = a; v <= to; v++) out.add(v);
  }
  return [...out].sort((x, y) => x - y);
}

/** `*\/N` (or `0/N`): every N; null otherwise. */
function stepOf(part: string): number | null {
  const m = /^(?:\*|0)\/(\d+)$/.exec(part);
  return m ? Number(m[1]) : null;
}

/** `a-b` as a plain range: its ends; null otherwise. */
function rangeOf(part: string, f: CronField): [number, number] | null {
  const m = /^([^,/-]+)-([^,/-]+)$/.exec(part);
  if (!m) return null;
  const a = fieldValue(m[1]!, f);
  const b = fieldValue(m[2]!, f);
  return a !== null && b !== null && a < b ? [a, b] : null;
}

/** When in the week, month or year: as a sentence's subject ("Every weekday") and as a qualifier (" on weekdays"). */
interface Days {
  subject: string;
  qualifier: string;
}

/** Monday first, Sunday last, as people read a week. */
const weekOrder = (d: number) => (d === 0 ? 7 : d);

function dayWords(dom: string, month: string, dow: string): Days | null {
  if (any(dom) && any(month) && any(dow)) return { subject: 'Every day', qualifier: '' };
  if (any(dom) && any(month)) {
    const days = listed(dow, WEEKDAY);
    if (!days) return null;
    const set = [...new Set(days.map((d) => d % 7))].sort((a, b) => weekOrder(a) - weekOrder(b));
    if (set.length === 7) return { subject: 'Every day', qualifier: '' };
    const key = set.join(',');
    if (key === '1,2,3,4,5') return { subject: 'Every weekday', qualifier: ' on weekdays' };
    if (key === '6,0') return { subject: 'Every Saturday and Sunday', qualifier: ' on weekends' };
    const names = set.map((d) => WEEKDAY_NAMES[d]!);
    const span = rangeOf(dow, WEEKDAY);
    if (span && set.length >= 3)
      return {
        subject: `Every day from ${names[0]} to ${names.at(-1)}`,
        qualifier: ` from ${names[0]} to ${names.at(-1)}`,
      };
    return { subject: `Every ${joined(names)}`, qualifier: ` on ${joined(names.map((n) => `${n}s`))}` };
  }
  if (!any(dow)) return null;
  const months = any(month) ? null : listed(month, MONTH);
  if (!any(month) && !months) return null;
  const monthNames = months ? joined(months.map((m) => MONTH_NAMES[m - 1]!)) : '';
  if (any(dom)) {
    return months ? { subject: `Every day in ${monthNames}`, qualifier: ` in ${monthNames}` } : null;
  }
  if (dom.toUpperCase() === 'L')
    return months
      ? {
          subject: `Every year on the last day of ${monthNames}`,
          qualifier: ` on the last day of ${monthNames}`,
        }
      : { subject: 'Every month on the last day', qualifier: ' on the last day of the month' };
  const dates = listed(dom, DAY);
  if (!dates || dates.length > 5) return null;
  if (months?.length === 1 && dates.length === 1) {
    const date = `${dates[0]} ${monthNames}`;
    return { subject: `Every year on ${date}`, qualifier: ` on ${date}` };
  }
  const which = joined(dates.map(ordinal));
  return months
    ? {
        subject: `Every year on the ${which} of ${monthNames}`,
        qualifier: ` on the ${which} of ${monthNames}`,
      }
    : { subject: `Every month on the ${which}`, qualifier: ` on the ${which} of the month` };
}

function every(n: number, unit: string): string {
  return n === 1 ? `Every ${unit}` : `Every ${n} ${unit}s`;
}

/** The time of day part, with the days put in; null when it is not a shape said here. */
function timeWords(minute: string, hour: string, days: Days): string | null {
  const q = days.qualifier;
  const minutes = listed(minute, MINUTE);
  const hours = listed(hour, HOUR);
  const hourSpan = rangeOf(hour, HOUR);
  if (minutes?.length === 1 && hourSpan)
    return `Every hour from ${clock(hourSpan[0], minutes[0]!)} to ${clock(hourSpan[1], minutes[0]!)}${q}`;
  if (minutes && hours) {
    const times = hours.flatMap((h) => minutes.map((m) => clock(h, m)));
    if (times.length > 6) return null;
    return `${days.subject} at ${joined(times)}`;
  }
  const minuteStep = any(minute) ? 1 : stepOf(minute);
  if (minuteStep !== null && any(hour)) return `${every(minuteStep, 'minute')}${q}`;
  if (minuteStep !== null && hourSpan)
    return `${every(minuteStep, 'minute')} from ${clock(hourSpan[0], 0)} to ${clock(hourSpan[1], 59)}${q}`;
  if (minuteStep !== null && hours?.length === 1)
    return `${every(minuteStep, 'minute')} from ${clock(hours[0]!, 0)} to ${clock(hours[0]!, 59)}${q}`;
  if (minutes && minutes.length <= 4 && any(hour))
    return `Every hour at ${joined(minutes.map((m) => `:${two(m)}`))}${q}`;
  const hourStep = stepOf(hour);
  if (minutes?.length === 1 && hourStep !== null)
    return `${every(hourStep, 'hour')} at :${two(minutes[0]!)}${q}`;
  return null;
}

/** The expression in words, or null when it is not one of the shapes said here. */
export function describeCron(expr: string): string | null {
  let parts = cronParts(expr);
  if (parts.length === 6) {
    const [second, ...rest] = parts as [string, ...string[]];
    const secondStep = any(second) ? 1 : stepOf(second);
    if (secondStep !== null && rest.every(any)) return every(secondStep, 'second');
    if (second !== '0') return null;
    parts = rest;
  }
  if (parts.length !== 5) return null;
  const [minute, hour, dom, month, dow] = parts as [string, string, string, string, string];
  const days = dayWords(dom, month, dow);
  return days ? timeWords(minute, hour, days) : null;
}

/** "Paris time" for Europe/Paris, "UTC" for UTC. */
export function zoneWords(timeZone: string): string {
  if (/^(Etc\/)?(UTC|GMT|Zulu|UCT|Universal)$/i.test(timeZone)) return 'UTC';
  const city = timeZone.split('/').at(-1)!.replace(/_/g, ' ');
  return `${city} time`;
}

/** "Every weekday at 09:00, Paris time"; the expression itself where it cannot be said in words. */
export function scheduleInWords(expr: string, timeZone: string): string {
  return `${describeCron(expr) ?? expr.trim()}, ${zoneWords(timeZone)}`;
}
