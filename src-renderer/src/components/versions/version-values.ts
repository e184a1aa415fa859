/** A changed field's old and new values as the version diff shows them: short, on one line. */

import { cut } from '../../format/cut.ts';

/** Longest value shown; the whole one is in the tooltip, up to `TITLE`. */
const SHOW_CHARS = 48;
const TITLE = 1_000;

/** One value in words: text quoted, lists comma-separated, yes/no, none for absent or empty. */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return 'none';
  if (typeof v === 'string') return `“${v}”`;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v))
    return v.length === 0 ? 'none' : v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  return JSON.stringify(v);
}

export interface ValueChange {
  field: string;
  before: string;
  after: string;
  /** The whole values, for a tooltip. */
  beforeFull: string;
  afterFull: string;
}

/**
 * Two texts cut to `max`. When they first differ past what the cut shows, both start a few
 * words before that point instead, so a change at the end of a long description is seen.
 */
function cutPair(a: string, b: string, max: number): [string, string] {
  if (a.length <= max && b.length <= max) return [a, b];
  let same = 0;
  while (same < a.length && same < b.length && a[same] === b[same]) same++;
  if (same < max - 12) return [cut(a, max), cut(b, max)];
  // About 20 characters of what they share lead in, from the start of a word.
  const space = a.lastIndexOf(' ', same - 20);
  const from = space > 0 && space >= same - 32 ? space + 1 : same - 20;
  const part = (t: string) => cut(`…${t.slice(from)}`, max);
  return [part(a), part(b)];
}

/** Old → new for each changed field of a task (or of the plan). */
export function valueChanges(
  from: Record<string, unknown> | undefined,
  to: Record<string, unknown> | undefined,
  fields: readonly string[],
  max = SHOW_CHARS,
): ValueChange[] {
  return fields.map((field) => {
    const beforeFull = valueText(from?.[field]);
    const afterFull = valueText(to?.[field]);
    const [before, after] = cutPair(beforeFull, afterFull, max);
    return { field, before, after, beforeFull: cut(beforeFull, TITLE), afterFull: cut(afterFull, TITLE) };
  });
}
