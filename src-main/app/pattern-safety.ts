import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Refuses `matches` patterns that can take super-linear time, before a plan is saved or run.
 *
 * The checker is recheck (MakeNowJust-Labo, MIT): it decides by automata theory where it can
 * and by fuzzing with static analysis where it cannot, and reports exponential and polynomial
 * (n², n³, …) backtracking with an attack string. Its pure JavaScript build runs here, in a
 * worker thread of its own, never its native or Java builds (installed as optional packages,
 * never started) and never the network: a check takes from milliseconds to a few seconds,
 * which neither the engine's thread nor a zod schema (the renderer validates with the same
 * schemas) may spend. Plans are checked where they enter the main process: `plans.import`
 * (the designer's save, the CLI, REST), `plans.validate`, `plans.restore`, `runs.start` and
 * `runs.rerun` (a plan stored before this check). Tasks the decider adds carry no output
 * condition. Patterns that cannot backtrack at all skip the worker.
 */
export interface PatternSafety {
  /** Why each unsafe pattern of the plan (raw or parsed) is refused, at its field's path. */
  planIssues(plan: unknown): Promise<PatternIssue[]>;
  close(): void;
}

export interface PatternIssue {
  path: (string | number)[];
  message: string;
}

/** The answer for one pattern: null when it runs in linear time, else why it is refused. */
type Verdict = string | null;

/** What recheck may spend on one pattern on an idle machine; past it the pattern is refused as unproven. */
const CHECK_TIMEOUT_MS = 5_000;
/** A worker that has not answered this long after its check's time is stuck: it is ended and the pattern refused. */
const WATCHDOG_GRACE_MS = 10_000;
/** The most a busy machine stretches a check's time (`checkTimeoutMs`). */
const MAX_STRETCH = 8;

/**
 * The time one check may take now: CHECK_TIMEOUT_MS on an idle machine, stretched by how many
 * runnable processes share each core (the load average over the last minute), up to
 * MAX_STRETCH times. The limit is there to stop a pattern that takes long to prove, not to
 * refuse a plan because other programs keep the cores busy: a check that needs 1 s of a core
 * gets about 1 s of one. Where the OS gives no load average (Windows), the plain limit.
 */
export function checkTimeoutMs(load1 = loadavg()[0] ?? 0, cores = availableParallelism()): number {
  const stretch = Math.min(MAX_STRETCH, Math.max(1, load1 / Math.max(1, cores)));
  return Math.round(CHECK_TIMEOUT_MS * stretch);
}
const CACHE_MAX = 10_000;
/** Refused patterns reported for one plan; the rest are not checked (the plan is refused anyway). */
const MAX_REFUSED = 20;
/** The longest `matches` a plan may hold (`conditionSchema`). */
const MAX_PATTERN = 500;

/**
 * No quantifier, alternation or group, even escaped: a fixed sequence compared at each start
 * position, linear in the text (the same rule as the engine's direct matches, `conditions.ts`).
 */
const MAY_BACKTRACK = /[*+?{|(]/;

// Plain JS, run in a worker thread: recheck's synchronous pure-JS checker (RECHECK_SYNC_BACKEND
// is set in the worker's own environment), one pattern per message.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { checkSync } = require(workerData.recheck);
parentPort.on('message', ({ source, timeout }) => {
  try {
    const d = checkSync(source, '', { timeout });
    parentPort.postMessage({
      status: d.status,
      complexity: d.complexity ?? null,
      attack: d.attack ? d.attack.pattern : null,
      error: d.error ? { kind: d.error.kind, message: d.error.message ?? null } : null,
    });
  } catch (e) {
    parentPort.postMessage({ status: 'unknown', error: { kind: 'exception', message: String(e && e.message) } });
  }
});
`;

interface Diagnosis {
  status: 'safe' | 'vulnerable' | 'unknown';
  complexity: { type: string; degree?: number } | null;
  attack: string | null;
  error: { kind: string; message: string | null } | null;
}

export function createPatternSafety(): PatternSafety {
  const cache = new Map<string, Verdict>();
  const pending = new Map<string, Promise<Verdict>>();
  /** Checks wait here and go to the worker one at a time (each under its own watchdog). */
  let chain: Promise<unknown> = Promise.resolve();
  let worker: Worker | null = null;
  let closed = false;

  const startWorker = (): Worker => {
    const recheck = createRequire(import.meta.url).resolve('recheck');
    const w = new Worker(WORKER, {
      eval: true,
      workerData: { recheck },
      env: { ...process.env, RECHECK_SYNC_BACKEND: 'pure', RECHECK_BACKEND: 'pure' },
    });
    w.unref();
    return w;
  };

  /** The checker's answer (`kept`: remembered), or why it gave none (asked again next time). */
  const ask = (source: string): Promise<{ verdict: Verdict; kept: boolean }> =>
    new Promise((resolve) => {
      const timeout = checkTimeoutMs();
      const failed = (why: string) => resolve({ verdict: `could not be checked (${why})`, kept: false });
      if (closed) return failed('Baton is closing');
      try {
        worker ??= startWorker();
      } catch (err) {
        return failed(err instanceof Error ? err.message : String(err));
      }
      const w = worker;
      // Held while it checks: a command waiting for this answer must not exit for want of work.
      w.ref();
      const done = (answer: { verdict: Verdict; kept: boolean }) => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.unref();
        resolve(answer);
      };
      // Out of time may be a loaded machine's doing: asked again next time, not remembered.
      const onMessage = (d: Diagnosis) => done({ verdict: verdictOf(d), kept: d.status !== 'unknown' });
      const onError = (err: Error) => {
        worker = null;
        done({ verdict: `could not be checked (${err.message})`, kept: false });
      };
      const timer = setTimeout(() => {
        worker = null;
        void w.terminate();
        done({ verdict: unproven(), kept: false });
      }, timeout + WATCHDOG_GRACE_MS);
      w.on('message', onMessage);
      w.once('error', onError);
      w.postMessage({ source, timeout });
    });

  const check = (pattern: string): Promise<Verdict> => {
    if (!MAY_BACKTRACK.test(pattern)) return Promise.resolve(null);
    const known = cache.get(pattern);
    if (known !== undefined) return Promise.resolve(known);
    const asked = pending.get(pattern);
    if (asked) return asked;
    const answer = chain.then(() => ask(pattern));
    chain = answer;
    const verdict = answer.then(({ verdict, kept }) => {
      pending.delete(pattern);
      if (kept) {
        if (cache.size >= CACHE_MAX) cache.clear();
        cache.set(pattern, verdict);
      }
      return verdict;
    });
    pending.set(pattern, verdict);
    return verdict;
  };

  return {
    async planIssues(plan) {
      const issues: PatternIssue[] = [];
      // In plan order, and only until enough are refused: a plan of a thousand slow patterns is
      // refused after the first few, not after checking them all.
      for (const f of patternsOf(plan)) {
        const why = await check(f.pattern);
        if (!why) continue;
        issues.push({ path: ['tasks', f.index, 'condition', 'output', 'matches'], message: why });
        if (issues.length >= MAX_REFUSED) break;
      }
      return issues;
    },
    close() {
      closed = true;
      if (worker) void worker.terminate();
      worker = null;
    },
  };
}

const unproven = () =>
  `could not be shown to run in linear time within ${CHECK_TIMEOUT_MS / 1000} s: simplify it (fewer nested or alternative repeats)`;

const FIX =
  'rewrite it so that no stretch of text can be matched in two ways (e.g. (a+)+ → a+), or anchor or bound the repeats (e.g. ^\\d+ or \\d{1,10} for \\d+)';

function verdictOf(d: Diagnosis): Verdict {
  if (d.status === 'safe') return null;
  if (d.status === 'vulnerable') {
    const how =
      d.complexity?.type === 'exponential'
        ? 'exponential time'
        : `time growing as the output's length to the power ${d.complexity?.degree ?? 2}`;
    const example = d.attack
      ? ` (for example on ${d.attack.length > 80 ? `${d.attack.slice(0, 80)}…` : d.attack})`
      : '';
    return `can take ${how} on some outputs${example}, which would hold up the engine: ${FIX}`;
  }
  if (d.error?.kind === 'timeout' || d.error?.kind === 'cancel') return unproven();
  return `could not be checked for catastrophic backtracking (${d.error?.message ?? d.error?.kind ?? 'unknown'}): simplify it`;
}

/**
 * Every `tasks[i].condition.output.matches` string of a plan, read loosely: a plan that is
 * invalid elsewhere still has its patterns checked (every problem is reported at once).
 */
function patternsOf(plan: unknown): { index: number; pattern: string }[] {
  const tasks = isRecord(plan) ? plan.tasks : undefined;
  if (!Array.isArray(tasks)) return [];
  const found: { index: number; pattern: string }[] = [];
  tasks.forEach((t: unknown, index) => {
    const condition = isRecord(t) ? t.condition : undefined;
    const output = isRecord(condition) ? condition.output : undefined;
    const pattern = isRecord(output) ? output.matches : undefined;
    // A pattern that is not a valid regular expression is reported as such by parsePlan.
    // One longer than the schema allows is refused for its length.
    if (typeof pattern === 'string' && pattern.length <= MAX_PATTERN && isRegExp(pattern))
      found.push({ index, pattern });
  });
  return found;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
