import type { AuditChange, AuditEntity, AuditEntry } from '../../src-shared/schemas/memory.ts';

/**
 * The audit log's entries for what people change in Baton's configuration (agents, workspaces,
 * plans, secrets, schedules, triggers, webhooks, settings): who, when, and what changed field by
 * field, with every value that may be a secret left out. Pure: the handlers write the entry in
 * the transaction that makes the change.
 */

/** What stands for a value the log never keeps. */
export const HIDDEN = '(hidden)';
/** A value longer than this is cut (with … at the end). */
const VALUE_CHARS = 300;
/** At most this many fields are listed; the entry says how many more changed. */
const MAX_CHANGES = 200;
/** The first fields named in an entry's sentence. */
const NAMED_FIELDS = 8;

/** Maps whose values are written by people and may be secrets (an environment's, an HTTP agent's headers). */
const SECRET_MAPS = new Set(['env', 'headers']);
/** Fields whose value is a secret itself, not a secret's name (`api_key_secret`, `secret_name` are names). */
const SECRET_FIELD =
  /(^|_)(pass(word|phrase)?|token|api_?key|authorization|cookie|credentials?|private_?key)$/i;

/**
 * Arrays whose items are told apart by a field (a plan's tasks by `task_id`, a workspace's checks
 * by `name`): compared item by item, so a change reads `tasks.build.description`, not the whole list.
 */
export type KeyedArrays = Readonly<Record<string, string>>;

/** Whether the value at `path` is never written: a value in an environment, a password, a token. */
export function isHiddenPath(path: readonly string[]): boolean {
  const last = path.at(-1) ?? '';
  // `{secret: NAME}` in an environment names a secret: the name is shown.
  if (last === 'secret') return false;
  if (path.slice(0, -1).some((p) => SECRET_MAPS.has(p))) return true;
  return SECRET_FIELD.test(last);
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Not set, or set to nothing: null, an empty list, an empty map. */
const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  (Array.isArray(v) ? v.length === 0 : isPlain(v) && Object.keys(v).length === 0);

/** The fields of what does not exist (walked as an object with none). */
const NOTHING: Readonly<Record<string, unknown>> = Object.freeze({});
/** A place no longer named: past the changes listed. */
const unlisted = (): null => null;

/** Deep equality of JSON-like values, key order aside. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  if (!isPlain(a) || !isPlain(b)) return false;
  for (const k of Object.keys(a)) if (!sameJson(a[k], own(b, k))) return false;
  for (const k of Object.keys(b)) if (!Object.hasOwn(a, k) && !sameJson(undefined, b[k])) return false;
  return true;
}

/**
 * A field of a plain object, only when the object has it: a key named like one of Object's own
 * (`constructor`, `toString`) is a name like any other, never what every object inherits.
 */
const own = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

/** A value in words: text as it is, the rest as JSON, cut; null when it is not set. */
function shown(v: unknown, hidden: boolean): string | null {
  if (v === undefined || v === null) return null;
  if (hidden) return HIDDEN;
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text;
}

/** The items of an array keyed by `key`, when every item is an object with a text key; else null. */
function byKey(list: unknown, key: string): Map<string, unknown> | null {
  if (list === undefined || list === null) return new Map();
  if (!Array.isArray(list)) return null;
  const map = new Map<string, unknown>();
  for (const item of list) {
    const id = isPlain(item) ? item[key] : undefined;
    if (typeof id !== 'string' || map.has(id)) return null;
    map.set(id, item);
  }
  return map;
}

/**
 * Every field that differs between `before` and `after` (undefined: the thing did not exist, or
 * no longer does), in `after`'s order then `before`'s; objects are walked into, other values
 * compared whole. `more` counts the changes past the most listed; with `counted` false the walk
 * ends once the most are listed and `more` is 0 (an entry for a thing added or removed says no
 * count: a new plan of 100,000 tasks was walked whole, ~500,000 fields, to count what nobody reads).
 */
export function fieldChanges(
  before: unknown,
  after: unknown,
  keyed: KeyedArrays = {},
  counted = true,
): { changes: AuditChange[]; more: number } {
  const changes: AuditChange[] = [];
  let more = 0;
  // Once MAX_CHANGES are listed the rest are only counted: no path is built for them (a new
  // plan of 100,000 tasks has ~500,000 fields, and building each one's path made ~200 MB of garbage).
  const listing = () => changes.length < MAX_CHANGES;
  const add = (path: readonly string[] | null, from: unknown, to: unknown) => {
    if (path === null || !listing()) {
      more++;
      return;
    }
    const hidden = isHiddenPath(path);
    changes.push({ field: path.join('.'), from: shown(from, hidden), to: shown(to, hidden) });
  };
  /** `path`: where a and b sit, or null once it is no longer needed; `last`: its last part. */
  const walk = (path: readonly string[] | null, last: string | undefined, a: unknown, b: unknown): void => {
    if (!counted && !listing()) return;
    // An empty list or map said nothing, as an absent field says nothing (a schema's defaults).
    if (sameJson(a, b) || (isEmpty(a) && isEmpty(b))) return;
    const into = path !== null && listing() ? (k: string) => [...path, k] : unlisted;
    const key = last !== undefined ? keyed[last] : undefined;
    if (key !== undefined) {
      const was = byKey(a, key);
      const now = byKey(b, key);
      if (was && now) {
        // forEach: no [id, item] pair made per item.
        now.forEach((item, id) => {
          walk(into(id), id, was.get(id), item);
        });
        was.forEach((item, id) => {
          if (!now.has(id)) walk(into(id), id, item, undefined);
        });
        return;
      }
    }
    const aWalks = isPlain(a) || a === undefined || a === null;
    const bWalks = isPlain(b) || b === undefined || b === null;
    if ((isPlain(a) || isPlain(b)) && aWalks && bWalks) {
      const x = isPlain(a) ? a : NOTHING;
      const y = isPlain(b) ? b : NOTHING;
      for (const k of Object.keys(y)) walk(into(k), k, own(x, k), y[k]);
      for (const k of Object.keys(x)) if (!Object.hasOwn(y, k)) walk(into(k), k, x[k], undefined);
      return;
    }
    add(path, a, b);
  };
  walk([], undefined, before, after);
  return { changes, more };
}

/** The fields changed, named in a sentence: "model, sandbox.mode and 3 more". */
export function fieldsInWords(changes: readonly AuditChange[], more: number): string {
  const names = changes.slice(0, NAMED_FIELDS).map((c) => c.field);
  const rest = changes.length - names.length + more;
  return rest > 0 ? `${names.join(', ')} and ${rest} more` : names.join(', ');
}

/** A change a person made to a thing Baton keeps: added, changed or removed. */
export interface ConfigChange {
  at: string;
  actor: string;
  entity: AuditEntity;
  entity_id: string;
  /** The thing in words, as the entry's sentence starts: `agent "coder"`. */
  what: string;
  /** Undefined: it is added. */
  before: unknown;
  /** Undefined: it is removed. */
  after: unknown;
  keyed?: KeyedArrays;
  /** A sentence of its own instead of "… changed: fields" (the fields are listed still). */
  why?: string;
  /** What it became, when it is worth a word of its own (`sandbox off`); else added, changed or removed. */
  to_status?: string;
  from_status?: string | null;
}

/**
 * The audit entry of a change to a thing people configure, or null when nothing changed (a form
 * saved as it was). Its sentence names the thing and, for a change, the fields ("agent "coder"
 * changed: model, sandbox.mode"), so a search finds it by either; `changes` lists each field with
 * its values (all of them for a thing added or removed: what it was is kept).
 */
export function configChangeEntry(c: ConfigChange): Omit<AuditEntry, 'id'> | null {
  const verb = c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'changed';
  // Only a change's sentence counts the fields past those listed.
  const { changes, more } = fieldChanges(c.before, c.after, c.keyed, verb === 'changed');
  if (verb === 'changed' && changes.length === 0) return null;
  const why =
    c.why ??
    (verb === 'changed' ? `${c.what} changed: ${fieldsInWords(changes, more)}` : `${c.what} ${verb}`);
  return {
    at: c.at,
    actor: c.actor,
    entity: c.entity,
    entity_id: c.entity_id,
    run_id: null,
    from_status: c.from_status ?? null,
    to_status: c.to_status ?? verb,
    why,
    ...(changes.length > 0 ? { changes } : {}),
  };
}
