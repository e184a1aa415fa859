import { z } from 'zod';
import { ID_MAX, ID_PATTERN, ID_WORDS, SKILL_MAX, SKILL_PATTERN } from './plain/id.ts';

/** Identifiers of plans, tasks, agents and projects: readable, bounded, path- and shell-safe. */
export const idSchema = z
  .string()
  .min(1, ID_WORDS.empty)
  .max(ID_MAX, ID_WORDS.long)
  .regex(ID_PATTERN, ID_WORDS.chars);

export const skillSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(SKILL_MAX, `must be at most ${SKILL_MAX} characters`)
  .regex(SKILL_PATTERN, 'may contain only letters, digits and _ . -');

/** ISO 8601 timestamp as produced by Date#toISOString. */
export const timestampSchema = z.string();

const DAY_MS = 86_400_000;

/**
 * One edge of a time range: an ISO 8601 date-time (with `Z` or an offset, with seconds, fractions
 * optional) or a date alone. The output is the instant as `Date#toISOString` writes it, the form
 * every stored timestamp has, so ranges compare as text correctly (`…T14:45:43Z` against stored
 * `…T14:45:43.000Z` would not). A date alone means the start of that day (UTC) for `start`, its
 * last millisecond for `end`: `end: '2026-01-31'` includes the 31st.
 */
export const rangeEdgeSchema = (edge: 'start' | 'end') =>
  z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], {
      message:
        'must be an ISO 8601 date-time (2026-01-31T09:00:00Z, or with an offset) or a date (2026-01-31)',
    })
    .transform((v) => {
      // JavaScript reads a date alone as midnight UTC, not local time.
      const ms = Date.parse(v);
      const dateOnly = v.length === 10;
      return new Date(dateOnly && edge === 'end' ? ms + DAY_MS - 1 : ms).toISOString();
    });

export type Id = z.infer<typeof idSchema>;

/**
 * How deep a free-form JSON value of a plan or a run may nest (a task's `inputs`, an
 * `output_schema`, a condition's `equals`, a run input): SQLite's JSON functions refuse more than
 * 1,000 levels, and a value near that was refused by the store after the schema had passed it.
 * Nothing a plan says needs more than a few dozen.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests objects or arrays more than `max` levels deep (`{}` is one level). Iterative: a deep value cannot overflow the stack. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { v, depth } = item;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return false;
}

/** The issue of a value that nests too deep, said at the field's path. */
export const tooDeep = (max = MAX_JSON_DEPTH): string => `must not nest more than ${max} levels deep`;

/** Any JSON value, at most `MAX_JSON_DEPTH` levels deep. */
export const boundedJsonSchema = z.unknown().superRefine((v, ctx) => {
  if (nestsDeeperThan(v, MAX_JSON_DEPTH)) ctx.addIssue({ code: 'custom', message: tooDeep() });
});
