/**
 * Reading a CLI's JSON events without trusting their shape: every accessor answers with a
 * value of the type asked for, or a neutral one, and never throws. The parsers read events
 * only through these, so a field of the wrong type is a missing field, not a crash.
 */
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` when it is a JSON object, else an empty one (so `obj(a).b` is always safe). */
export function obj(v: unknown): JsonObject {
  return isObject(v) ? v : EMPTY;
}
const EMPTY: JsonObject = Object.freeze({});

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** A non-empty string, else null. */
export function name(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A token count: a whole number from 0 to MAX_SAFE_INTEGER, 0 for anything else (`1e999` too). */
export function count(v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || v === Number.POSITIVE_INFINITY) return 0;
  return v >= Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : Math.floor(v);
}

/** Milliseconds since 1970 that a Date can hold, else null. */
export function epochMs(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_DATE_MS ? v : null;
}

/** An ISO 8601 time as milliseconds since 1970, else null. */
export function isoMs(v: unknown): number | null {
  if (typeof v !== 'string' || v.length > 64) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

/** The largest |time| a JavaScript Date holds. */
const MAX_DATE_MS = 8.64e15;
