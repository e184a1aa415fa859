/** How a compared output's key reads against the other run's output. */
export type KeyChange = 'same' | 'changed' | 'only-here';

/** One key of an output as the comparison lists it. */
export interface OutputKey {
  /** The key; null for an output that is not an object (a string, a number, a list): one entry. */
  key: string | null;
  /** The value as one line: a string as it is, anything else as compact JSON. */
  line: string;
  /** The value laid out whole, for "more": a string as it is, anything else as indented JSON. */
  full: string;
  change: KeyChange;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const line = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const full = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * An output per key, as GitHub's compare lists files: each key with its value, marked when the
 * other run's output has another value there or lacks the key. `other` undefined means there is
 * nothing to compare with (the other run lacks the task or has not loaded): nothing is marked.
 */
export function outputKeys(value: unknown, other: unknown, compared = other !== undefined): OutputKey[] {
  if (value === null || value === undefined) return [];
  if (!isRecord(value)) {
    return [
      {
        key: null,
        line: line(value),
        full: full(value),
        change: compared && !same(value, other) ? 'changed' : 'same',
      },
    ];
  }
  const theirs = isRecord(other) ? other : undefined;
  return Object.entries(value).map(([key, v]) => ({
    key,
    line: line(v),
    full: full(v),
    change: !compared
      ? 'same'
      : theirs === undefined || !(key in theirs)
        ? 'only-here'
        : same(v, theirs[key])
          ? 'same'
          : 'changed',
  }));
}
