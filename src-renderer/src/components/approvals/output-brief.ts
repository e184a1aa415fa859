import { cut } from '../../format/cut.ts';

/** One value in a line: text as it is, anything else as compact JSON. */
const inline = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

/**
 * A dependency's output in one line a person can read: text as it is; an object as its fields,
 * `name: value · name: value` (values that are objects as compact JSON); anything else as JSON.
 * Cut to `max` characters.
 */
export function outputBrief(output: unknown, max = 200): string {
  if (output === null || output === undefined) return 'no output';
  if (typeof output === 'string') return cut(output, max);
  if (typeof output === 'object' && !Array.isArray(output)) {
    const fields = Object.entries(output);
    if (fields.length === 0) return 'an empty object';
    return cut(fields.map(([k, v]) => `${k}: ${cut(inline(v), 80)}`).join(' · '), max);
  }
  return cut(JSON.stringify(output), max);
}
