import { type Context, createContext, Script } from 'node:vm';
import type { TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/plain/run.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';

const DONE_ONLY: readonly TaskStatus[] = ['done'];

export type DependentVerdict =
  | { kind: 'wait'; reason: string }
  | { kind: 'ready' }
  | { kind: 'skip'; reason: string }
  /** Its `matches` condition would run after this tick's `MatchBudget` is spent: decide it next tick. */
  | { kind: 'deferred'; reason: string };

/**
 * Decides what a task's dependencies allow: wait for the ones still going, skip when one
 * ended in a status its condition does not accept (by default anything but `done`) or the
 * output condition is false, else ready. Skips as soon as the outcome is certain. A `matches`
 * that would need running once `budget` is spent leaves the verdict `deferred`.
 */
export function decideDependent(
  spec: Pick<TaskSpec, 'depends_on' | 'condition'>,
  tasks: ReadonlyMap<string, { readonly status: TaskStatus; readonly output: unknown }>,
  budget?: MatchBudget,
): DependentVerdict {
  // The reason's text built as it goes (no list joined at the end: this runs at every
  // dependency's end, for each of its dependents).
  let waiting: string | null = null;
  const conditions = spec.condition?.dependencies;
  for (const dep of spec.depends_on) {
    const status = tasks.get(dep)!.status;
    if (!isTerminalTaskStatus(status)) {
      waiting = waiting === null ? `waiting for ${dep}` : `${waiting}, ${dep}`;
      continue;
    }
    // Without a condition on it (the usual), a dependency is met when done.
    if (status === 'done' && conditions === undefined) continue;
    const named = ownValue(conditions, dep);
    const allowed: readonly TaskStatus[] = named ?? DONE_ONLY;
    if (!allowed.includes(status)) {
      return {
        kind: 'skip',
        reason: named
          ? `condition not met: dependency "${dep}" ended ${status}, wanted ${allowed.join(' or ')}`
          : `dependency "${dep}" ${status === 'unassigned' ? 'is unassigned' : `ended ${status}`}`,
      };
    }
  }
  if (waiting !== null) return { kind: 'wait', reason: waiting };
  const oc = spec.condition?.output;
  if (oc) {
    const unmet = unmetOutput(tasks.get(oc.task_id)!.output, oc, budget);
    if (unmet === DEFERRED) return { kind: 'deferred', reason: DEFERRED_REASON };
    if (unmet !== undefined) return { kind: 'skip', reason: `condition not met: ${unmet}` };
  }
  return { kind: 'ready' };
}

/**
 * True when a dependent without conditions still waits: one or more of its dependencies still
 * going, and every one that ended done. False: decide it in full (`decideDependent`).
 */
export function stillWaiting(
  spec: Pick<TaskSpec, 'depends_on' | 'condition'>,
  tasks: ReadonlyMap<string, { readonly status: TaskStatus }>,
): boolean {
  if (spec.condition !== undefined) return false;
  let going = false;
  for (const dep of spec.depends_on) {
    const status = tasks.get(dep)!.status;
    if (status === 'done') continue;
    if (isTerminalTaskStatus(status)) return false;
    going = true;
  }
  return going;
}

/**
 * Time every `matches` of one engine tick may take together (the engine renews it as each tick
 * begins). Each match is limited to MATCH_TIME_LIMIT_MS, but a thousand dependents with distinct
 * patterns that each run out of time held the engine, and every API call with it, for 41 s.
 * Once a tick spent this, the verdicts still to decide are deferred to the next tick, and
 * whatever waits (calls, agents' reports) goes in between. A match begun within the budget runs
 * to its end, so a tick may pass the budget by one match (up to three times
 * MATCH_TIME_LIMIT_MS on a busy machine, see `matchOnce`).
 */
export const MATCH_TIME_PER_TICK_MS = 100;

export class MatchBudget {
  private readonly limitMs: number;
  private spentMs = 0;

  constructor(limitMs = MATCH_TIME_PER_TICK_MS) {
    this.limitMs = limitMs;
  }

  /** A new tick: the whole budget again. */
  renew(): void {
    this.spentMs = 0;
  }

  get spent(): boolean {
    return this.spentMs >= this.limitMs;
  }

  charge(ms: number): void {
    this.spentMs += ms;
  }
}

const DEFERRED: unique symbol = Symbol('deferred');
const DEFERRED_REASON = 'its condition is checked in the next tick (conditions used up this tick’s time)';

/**
 * Time a `matches` condition may take on one output (up to three times that on a busy
 * machine, see `matchOnce`). Outputs come from agents, possibly remote, and a pattern like
 * `^(a+)+$` backtracks exponentially on a crafted output; the engine thread runs every plan,
 * so it must stay bounded. Linear patterns finish a 10 MB output in a few milliseconds.
 */
export const MATCH_TIME_LIMIT_MS = 50;

interface OutputCondition {
  task_id: string;
  path: string;
  equals?: unknown;
  matches?: string | undefined;
  exists?: boolean | undefined;
}

/** Why the output condition is false, undefined when it holds, DEFERRED when `budget` is spent. */
function unmetOutput(
  output: unknown,
  c: OutputCondition,
  budget: MatchBudget | undefined,
): string | undefined | typeof DEFERRED {
  const where = `output of "${c.task_id}"${c.path ? ` at ${c.path}` : ''}`;
  const value = valueAt(output, c.path);
  if (c.exists !== undefined && (value !== undefined) !== c.exists) return `${where} ${describe(c)}`;
  if (c.equals !== undefined && !jsonEqual(value, c.equals)) return `${where} ${describe(c)}`;
  if (c.matches !== undefined) {
    const m = matchWithin(c.matches, value, budget);
    if (m === DEFERRED) return DEFERRED;
    if (m === 'timeout') {
      return `matching /${c.matches}/ against the ${where} took longer than ${MATCH_TIME_LIMIT_MS} ms (the pattern backtracks too much on this output), so it counts as not matching`;
    }
    if (typeof m === 'object') return `could not match /${c.matches}/ against the ${where}: ${m.error}`;
    if (!m) return `${where} ${describe(c)}`;
  }
  return undefined;
}

/**
 * One context and one compiled script for every match: creating them costs far more than
 * running them. The pattern and text are handed over as data, never as code.
 */
let sandbox: { slots: { re: RegExp | null; text: string }; context: Context; script: Script } | undefined;

/**
 * A pattern with no quantifier, alternation or group is a fixed sequence with nothing to
 * backtrack over: each start position costs at most its length (500 at most), so on a short
 * text it runs directly, skipping the sandbox and its 0.1 to 0.7 ms watchdog thread. Any of
 * these characters, even escaped, sends the pattern through the sandbox.
 */
const MAY_BACKTRACK = /[*+?{|(]/;
const DIRECT_TEXT_MAX = 10_000;

/** Most attempts at one match when timeouts are the scheduler's fault, not the pattern's. */
const MATCH_ATTEMPTS = 3;

/** Whether a pattern matched, or that it ran out of time, or the error that stopped it. */
type MatchResult = boolean | 'timeout' | { error: string };

/**
 * The last answer for each pattern, with the output value it was for and that value's text.
 * Dependents that share a condition on the same output ask the same question in a row (a
 * fan-out of 600 tasks on one `matches`): answered once, a pattern that runs out of time costs
 * its limit once, not once per dependent, inside a transaction that holds the write lock.
 */
const lastMatch = new Map<string, { value: unknown; text: string; result: MatchResult }>();
const LAST_MATCH_MAX = 256;

/**
 * Tests `pattern` on an output value: a string as it is, anything else as its JSON text. The
 * same question asked again is answered from `lastMatch`; a new one is asked only while
 * `budget` lasts (DEFERRED once it is spent), and charged to it.
 */
function matchWithin(
  pattern: string,
  value: unknown,
  budget: MatchBudget | undefined,
): MatchResult | typeof DEFERRED {
  const last = lastMatch.get(pattern);
  // Dependents of one task are handed the same output object, and an output is never changed
  // once stored: the same value has the same text, so this spares turning a large output into
  // JSON once per dependent. An equal value in another object still matches on its text.
  if (last && last.value === value) return last.result;
  if (budget?.spent) return DEFERRED;
  const started = performance.now();
  try {
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    if (last && last.text === text) return last.result;
    const result = matchOnce(pattern, text);
    if (lastMatch.size >= LAST_MATCH_MAX && !last) lastMatch.clear();
    lastMatch.set(pattern, { value, text, result });
    return result;
  } finally {
    budget?.charge(performance.now() - started);
  }
}

/**
 * Tests `pattern` on `text`, giving up after MATCH_TIME_LIMIT_MS. A plain `RegExp.test`
 * cannot be stopped once it starts, but a script run by `vm` with a timeout is interrupted
 * by V8, backtracking regex included. Capping the text instead would miss a match past the
 * cap and would not help: 28 characters are enough for `^(a+)+$` to take seconds.
 */
function matchOnce(pattern: string, text: string): MatchResult {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    // Plans are validated when saved, but a stored plan may predate that check.
    return { error: e instanceof Error ? e.message : String(e) };
  }
  if (text.length <= DIRECT_TEXT_MAX && !MAY_BACKTRACK.test(pattern)) return re.test(text);
  sandbox ??= makeSandbox();
  const { slots, context, script } = sandbox;
  slots.re = re;
  slots.text = text;
  const before = process.threadCpuUsage();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return script.runInContext(context, { timeout: MATCH_TIME_LIMIT_MS }) === true;
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
          // V8 can also give up on its own (a backtracking stack too deep): not met, say why.
          return { error: e instanceof Error ? e.message : String(e) };
        }
        // The timeout is wall-clock time, measured by a watchdog thread. On a busy machine
        // that thread can start late and report a match that finished in microseconds, or
        // this thread can wait its turn: then the match used little CPU, and deserves
        // another try. Once the attempts together burned half the budget, it is too slow.
        const used = process.threadCpuUsage(before);
        if ((used.user + used.system) / 1000 >= MATCH_TIME_LIMIT_MS / 2 || attempt >= MATCH_ATTEMPTS) {
          return 'timeout';
        }
      }
    }
  } finally {
    // Do not keep a large output alive until the next match.
    slots.re = null;
    slots.text = '';
  }
}

function makeSandbox(): NonNullable<typeof sandbox> {
  const slots: { re: RegExp | null; text: string } = { re: null, text: '' };
  const context = createContext(slots, { codeGeneration: { strings: false, wasm: false } });
  return { slots, context, script: new Script('re.test(text)', { filename: 'baton-condition-match' }) };
}

/**
 * `record[key]` if the record has that key itself. Task ids are people's words, and one named
 * `toString` or `constructor` must not find what every object inherits.
 */
function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** An array index as JSON writes one: `0`, `12`, never `01` or `1.0`. */
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * The value at a dot path in an output, read as JSON: an object's own keys only and an array's
 * elements by index. Inherited properties (`constructor`, `__proto__`, `toString`) and an
 * array's `length` are not in the output's JSON text, so they do not exist here either: a
 * condition gives the same answer whether the output came from an agent or from the store.
 */
function valueAt(root: unknown, path: string): unknown {
  if (path === '') return root;
  let cur: unknown = root;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!ARRAY_INDEX.test(key)) return undefined;
      cur = cur[Number(key)];
    } else {
      if (!Object.hasOwn(cur, key)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return cur;
}

/**
 * Equal as JSON values: key order does not matter, a key whose value is undefined counts as
 * absent and -0 equals 0. That is how an output reads back after it is stored, so a
 * condition gives the same answer before and after a restart (`isDeepStrictEqual` would
 * not: it tells -0 from 0, an undefined key from a missing one, and compares prototypes).
 */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  if (keys.length !== Object.keys(bo).filter((k) => bo[k] !== undefined).length) return false;
  return keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

function describe(c: OutputCondition): string {
  const parts: string[] = [];
  if (c.exists !== undefined) parts.push(c.exists ? 'does not exist' : 'exists');
  if (c.equals !== undefined) parts.push(`does not equal ${JSON.stringify(c.equals)}`);
  if (c.matches !== undefined) parts.push(`does not match /${c.matches}/`);
  return parts.join(' or ');
}
