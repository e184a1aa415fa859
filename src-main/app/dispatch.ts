import { z } from 'zod';
import type { CallContext, Caller } from '../../src-shared/contract/caller.ts';
import { LOCAL_CALL, saidActor } from '../../src-shared/contract/caller.ts';
import type { WireError, WireResult } from '../../src-shared/contract/errors.ts';
import { formatPath } from '../../src-shared/contract/errors.ts';
import type { BatonHandlers, MethodName } from '../../src-shared/contract/index.ts';
import { contract, isMethodName } from '../../src-shared/contract/index.ts';
import { AppError, invalidInput, toIssues } from '../base/errors.ts';
import type { ErrorLog } from '../base/log-line.ts';
import { logToStderr } from '../base/log-line.ts';
import type { Principal } from '../people/index.ts';
import { authorize, currentPrincipal } from '../people/index.ts';
import { isStorageFull, storageFullError } from './storage-full.ts';

/** One call: a method, its input, and who calls (`caller.ts`; none for a caller that does not say). */
export type Dispatch = (method: string, input: unknown, caller?: Caller) => Promise<WireResult>;

/**
 * The one place calls enter the application: the method must exist, its input is validated
 * against the contract's schema before the handler runs (and who calls, as an `actor` field
 * is), and every error leaves as
 * `{ code, message, details? }`. Unexpected errors are logged (one line, naming the method) and
 * reported as `internal`, except a full disk (SQLITE_FULL, ENOSPC), which is `storage_full`
 * naming the data directory.
 */
export function createDispatch(
  handlers: BatonHandlers,
  log: ErrorLog = logToStderr,
  opts: { dataDir?: string; callOf?: (p: Principal) => CallContext } = {},
): Dispatch {
  for (const name of Object.keys(contract)) {
    if (typeof (handlers as Record<string, unknown>)[name] !== 'function') {
      throw new Error(`application service has no handler for "${name}"`);
    }
  }
  const callOf = opts.callOf ?? (() => LOCAL_CALL);
  return async (method, input, caller) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `unknown method "${method}"` } };
    }
    // Who calls, as the host proved it (people/principal.ts), and whether their role reaches the method.
    let proven: CallContext;
    try {
      proven = callOf(currentPrincipal());
      authorize(method, proven);
    } catch (err) {
      return { ok: false, error: toWireError(err, method, log, opts.dataDir) };
    }
    // A name the transport said stands only where nobody is proven (no sign-in at this machine).
    const said = saidActor(caller);
    const call: CallContext =
      proven.person || !said.ok || said.actor === null ? proven : { ...proven, actor: said.actor };
    // A proven person is the actor of every change, whatever name an input's `actor` says.
    const named =
      proven.person &&
      ACTOR_METHODS.has(method) &&
      typeof input === 'object' &&
      input !== null &&
      !Array.isArray(input)
        ? { ...input, actor: proven.person.name }
        : input;
    const parsed = contract[method].input.safeParse(named ?? {});
    const issues = parsed.success ? inputShapeIssues(input) : toIssues(parsed.error.issues);
    if (!said.ok) issues.push({ path: 'actor', message: `who calls: ${said.message}` });
    if (!parsed.success || !said.ok || issues.length > 0) {
      const err = invalidInput(`${method} input is invalid`, issues);
      return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
    }
    try {
      const handler = handlers[method] as (i: unknown, c: CallContext) => unknown;
      const value = await handler(withoutUndefined(parsed.data), call);
      return { ok: true, value };
    } catch (err) {
      return { ok: false, error: toWireError(err, method, log, opts.dataDir) };
    }
  };
}

/**
 * The input as JSON would carry it: a field given as `undefined` is a field not given. The
 * page's socket and HTTP drop such keys; the Electron bridge (structured clone) and in-process
 * clients keep them, and a handler that lays a change over what is stored (`{ ...now, ...change }`)
 * then wrote `undefined` over a saved value.
 */
function withoutUndefined(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  let copy: Record<string, unknown> | null = null;
  for (const key in data)
    if ((data as Record<string, unknown>)[key] === undefined) {
      copy ??= { ...data };
      delete copy[key];
    }
  return copy ?? data;
}

/** Methods whose `actor` is a filter over what others did (who made a change), not who acts. */
const ACTOR_FILTERS: ReadonlySet<MethodName> = new Set<MethodName>(['audit.list']);

/** The methods whose input names who acts (`actor`): a proven person's name replaces it. */
const ACTOR_METHODS: ReadonlySet<MethodName> = new Set(
  (Object.keys(contract) as MethodName[]).filter((m) => {
    const schema: unknown = contract[m].input;
    return schema instanceof z.ZodObject && Object.hasOwn(schema.shape, 'actor') && !ACTOR_FILTERS.has(m);
  }),
);

/**
 * How deep any part of a call's input may nest, whatever its schema says: a backstop under the
 * fields that keep free-form values (`MAX_JSON_DEPTH`, said at their own path). Values 5,000 levels
 * deep reached the store, whose JSON.stringify ran out of stack; at this depth it does not, and a
 * plan's schema still names its own deep field (a plan's inputs 1,000 levels deep).
 */
export const MAX_INPUT_DEPTH = 2_000;

/**
 * What no input of Baton's may hold, anywhere in it, each as an issue naming its path:
 * - an own `__proto__` key. JSON.parse keeps such a key as the object's own; a schema drops it
 *   without a word (a zod record or object skips it), and code that copied it with Object.assign
 *   would change an object's prototype. No input needs the name.
 * - objects or arrays nested more than `MAX_INPUT_DEPTH` deep (named by the first keys of the
 *   path: the field that holds them).
 * Walked without recursion: an input may nest as deep as its transport allows.
 */
export function inputShapeIssues(input: unknown): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  // Each value with where it sits (its key, its parent's place, its depth), so a path is built only for an issue.
  type Place = { key: PropertyKey; up: Place; depth: number } | null;
  const pathOf = (place: Place): PropertyKey[] => {
    const keys: PropertyKey[] = [];
    for (let p = place; p !== null; p = p.up) keys.push(p.key);
    return keys.reverse();
  };
  // Objects still to look into, and where each sits (two stacks: no pair made per object).
  const values: object[] = [];
  const places: Place[] = [];
  let tooDeep = false;
  const look = (child: unknown, key: PropertyKey, up: Place) => {
    if (child === null || typeof child !== 'object') return;
    const depth = (up?.depth ?? 1) + 1;
    if (depth > MAX_INPUT_DEPTH) {
      if (!tooDeep)
        issues.push({
          path: formatPath(pathOf({ key, up, depth }).slice(0, 3)),
          message: `must not nest more than ${MAX_INPUT_DEPTH} levels deep`,
        });
      tooDeep = true;
      return;
    }
    values.push(child);
    places.push({ key, up, depth });
  };
  if (input !== null && typeof input === 'object') {
    values.push(input);
    places.push(null);
  }
  while (values.length > 0 && issues.length < 10) {
    const value = values.pop()!;
    const place = places.pop()!;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) look(value[i], i, place);
      continue;
    }
    if (Object.hasOwn(value, '__proto__'))
      issues.push({
        path: formatPath([...pathOf(place), '__proto__']),
        message: '"__proto__" is not a name Baton accepts anywhere in an input',
      });
    // An own `__proto__` key reads as its own value here (an own property hides the inherited one).
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) look(record[key], key, place);
  }
  return issues;
}

function toWireError(
  err: unknown,
  method: MethodName,
  log: ErrorLog,
  dataDir: string | undefined,
): WireError {
  if (err instanceof AppError) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details };
  }
  log(err, method);
  if (isStorageFull(err)) return storageFullError(dataDir);
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal' as const, message: `${method} failed: ${message}` };
}
