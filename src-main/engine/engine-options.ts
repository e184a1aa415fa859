import type { ErrorLog } from '../base/log-line.ts';
import { logToStderr } from '../base/log-line.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { SecretResolver } from '../secrets/secrets.ts';
import type { AttemptEndedHook } from './attempts.ts';
import type { Clock, Ids } from './clock.ts';
import { randomIds, systemClock } from './clock.ts';
import type { EngineStore } from './coding-records.ts';
import type { Decide } from './decider-questions.ts';
import type { ExecutorRegistry } from './executor.ts';
import type { KindTraitTable } from './kind-traits.ts';
import { localOwner } from './leases.ts';
import { Runtime } from './runtime.ts';

// How an engine is set up: what it is given, the defaults of what it is not, and the runtime
// built from them (engine.ts composes the parts on it).

export interface EngineOptions {
  /** The store, with the coding records the engine keeps in its transactions (`coding-records.ts`). */
  store: EngineStore;
  bus: EventBus;
  /** Executors by agent kind. An agent whose kind has none is pull-based: it takes work through the pull API. */
  executors: Partial<ExecutorRegistry>;
  /** What the core reads of each agent kind instead of its name: the agents wing's `KIND_TRAITS`. */
  kindTraits: KindTraitTable;
  clock?: Clock;
  ids?: Ids;
  random?: () => number;
  /** Identifies this process in run leases. */
  owner?: string;
  /** Most tasks this process runs at once, across all runs (DEFAULT_MAX_IN_FLIGHT). */
  maxInFlight?: number;
  leaseTtlMs?: number;
  /** How long a remote worker's hold on a task lasts without a heartbeat (8 s by default: four beats). */
  workerLeaseMs?: number;
  /** The build log is rewritten at most this often while a run goes on (and always at its end). */
  buildLogIntervalMs?: number;
  /** Where per-attempt workspaces are created: `<root>/<run>/<task>/<attempt>`. */
  workspaceRoot: string;
  /**
   * Runs a plan's decider: the rules, or an llm agent (the agents wing's `createDecide`). The
   * engine knows no decider of its own.
   */
  decide: Decide;
  secrets?: SecretResolver;
  /** Told when an attempt this process ran has stopped, its steps all stored (the trace export). */
  attemptEnded?: AttemptEndedHook;
  /** Where errors no caller hears of go (reloading a run after a failed write): one line on stderr by default. */
  log?: ErrorLog;
  /** Wall time a tick may spend before it leaves the rest to the next (`TICK_TIME_MS`); tests lower it. */
  tickTimeMs?: number;
}

/** The global limit on tasks running at once, across runs, unless the app is given another. */
const DEFAULT_MAX_IN_FLIGHT = 512;

/** A global limit given by a person (`--max-in-flight`, `BATON_MAX_IN_FLIGHT`), or an error naming `what`. */
export function parseMaxInFlight(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new Error(`${what} must be a whole number of tasks from 1 to 100000, got "${raw}"`);
  return n;
}

/** The runtime an engine set up with `opts` runs on: the options with their defaults filled in. */
export function runtimeOf(opts: EngineOptions, tick: () => void): Runtime {
  return new Runtime({
    store: opts.store,
    bus: opts.bus,
    clock: opts.clock ?? systemClock,
    ids: opts.ids ?? randomIds,
    random: opts.random ?? Math.random,
    config: {
      owner: opts.owner ?? localOwner(),
      maxInFlight: opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      leaseTtlMs: opts.leaseTtlMs ?? 30_000,
      buildLogIntervalMs: opts.buildLogIntervalMs ?? 250,
      workspaceRoot: opts.workspaceRoot,
    },
    log: opts.log ?? logToStderr,
    tick,
  });
}
