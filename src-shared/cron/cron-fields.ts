/**
 * Cron expressions as people write them for schedules (croner's syntax): the fields, their
 * ranges and names, the shortcuts, and what is wrong with an expression in words, naming the
 * field ("Minute: 61 is not 0–59"). Pure: the host checks with it before croner does, the
 * describer reads with it.
 */

export interface CronField {
  /** The field's name in words. */
  label: string;
  min: number;
  max: number;
  /** Names that stand for numbers (JAN = 1, SUN = 0), lower case. */
  names?: readonly string[];
  /** Said after the range when a value is out of it. */
  note?: string;
}

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
export const WEEKDAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;

const SECOND: CronField = { label: 'Second', min: 0, max: 59 };
const MINUTE: CronField = { label: 'Minute', min: 0, max: 59 };
const HOUR: CronField = { label: 'Hour', min: 0, max: 23 };
const DAY: CronField = { label: 'Day of the month', min: 1, max: 31 };
const MONTH: CronField = {
  label: 'Month',
  min: 1,
  max: 12,
  names: ['', ...MONTH_NAMES.map((m) => m.slice(0, 3).toLowerCase())],
};
const WEEKDAY: CronField = {
  label: 'Weekday',
  min: 0,
  max: 7,
  names: WEEKDAY_NAMES.map((d) => d.slice(0, 3).toLowerCase()),
  note: ' (Sunday is 0 or 7)',
};

/** Minute, hour, day of the month, month, weekday. */
export const FIELDS = [MINUTE, HOUR, DAY, MONTH, WEEKDAY] as const;

/** The shortcuts croner knows, as the five fields they stand for. */
export const SHORTCUTS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** The expression's fields: a shortcut expanded, spaces collapsed. */
export function cronParts(expr: string): string[] {
  const e = expr.trim().replace(/\s+/g, ' ');
  return (SHORTCUTS[e.toLowerCase()] ?? e).split(' ');
}

/** A number or a name in a field (`9`, `MON`, `jan`), or null when it is neither. */
export function fieldValue(raw: string, field: CronField): number | null {
  if (/^\d+$/.test(raw)) return Number(raw);
  const at = field.names?.indexOf(raw.toLowerCase()) ?? -1;
  return at > 0 || (at === 0 && field.names?.[0] !== '') ? at : null;
}

const range = (f: CronField) => `${f.min}–${f.max}`;

/** What is wrong with one comma-separated entry of a field, or null. */
function entryError(entry: string, f: CronField): string | null {
  if (entry === '') return `${f.label}: an entry is empty (two commas in a row, or one at the end)`;
  // L, W and # (last day, nearest weekday, nth weekday) are left to croner.
  if (entry.includes('#') || (/[LW]/i.test(entry) && !/^[a-z]{3}(-[a-z]{3})?$/i.test(entry))) return null;
  const [base = '', step, more] = entry.split('/');
  if (more !== undefined) return `${f.label}: "${entry}" has more than one /`;
  if (step !== undefined) {
    if (!/^\d+$/.test(step)) return `${f.label}: the step in "${entry}" must be a whole number`;
    if (Number(step) === 0) return `${f.label}: a step of 0 never moves on ("${entry}")`;
  }
  if (base === '*' || base === '?') return null;
  const ends = base.split('-');
  if (ends.length > 2) return `${f.label}: "${entry}" is not a value or a range like 1-5`;
  const values: number[] = [];
  for (const end of ends) {
    const v = fieldValue(end, f);
    if (v === null)
      return end === ''
        ? `${f.label}: "${entry}" is missing a value`
        : `${f.label}: "${end}" is not a number${f.names ? ' or a name' : ''} (${range(f)})`;
    if (v < f.min || v > f.max) return `${f.label}: ${v} is not ${range(f)}${f.note ?? ''}`;
    values.push(v);
  }
  if (values.length === 2 && values[0]! > values[1]!)
    return `${f.label}: ${base} goes backwards: write the smaller first (${ends[1]}-${ends[0]})`;
  return null;
}

/**
 * What is wrong with a cron expression, in words naming the field, or null when these checks
 * find nothing (croner still has the last word).
 */
export function cronFieldError(expr: string): string | null {
  const e = expr.trim();
  if (e.startsWith('@') && !SHORTCUTS[e.toLowerCase()])
    return `${e} is not a shortcut Baton knows: @yearly, @monthly, @weekly, @daily or @hourly`;
  const parts = cronParts(e);
  if (parts.length === 7) return null; // a year field: croner's to check
  if (parts.length !== 5 && parts.length !== 6) {
    const has = parts.length === 1 ? 'one field' : `${parts.length} fields`;
    return `"${e}" has ${has}; a cron expression has 5 (minute hour day month weekday), e.g. 0 9 * * 1-5, or 6 with seconds first, or is a shortcut like @daily`;
  }
  const fields = parts.length === 6 ? [SECOND, ...FIELDS] : FIELDS;
  for (const [i, part] of parts.entries()) {
    for (const entry of part.split(',')) {
      const error = entryError(entry, fields[i]!);
      if (error) return error;
    }
  }
  return null;
}

/** croner's own message, in the same words as ours (its field names, without its prefix). */
export function cronerMessageInWords(message: string): string {
  const m = message.replace(/^CronPattern: /, '').replace(/dayOfWeek/g, 'weekday');
  return m.charAt(0).toUpperCase() + m.slice(1);
}
