import type { Run } from '../../src-shared/schemas/run.ts';
import { BackgroundWork } from '../base/background.ts';
import type { ErrorLog } from '../base/log-line.ts';
import { inTurn } from '../base/turns.ts';
import type { EventBus } from '../events/event-bus.ts';
import { AttemptMessages } from './attempt-messages.ts';
import { AttemptTurns } from './attempt-turns.ts';
import { AttemptsRunning } from './attempts-running.ts';
import type { Clock, Ids } from './clock.ts';
import type { EngineStore } from './coding-records.ts';
import { CommitEffects } from './commit-effects.ts';
import { ReadyQueue } from './ready-queue.ts';
import type { ActiveRun } from './run-state.ts';
import { Inbox } from './tick-inputs.ts';

/** How this engine was set up (`EngineOptions`, with the defaults filled in). */
export interface EngineConfig {
  /** Identifies this process in run leases. */
  owner: string;
  /** Most tasks this process runs at once, across all runs. */
  maxInFlight: number;
  leaseTtlMs: number;
  /** The build log is rewritten at most this often while a run goes on (and always at its end). */
  buildLogIntervalMs: number;
  /** Where per-attempt workspaces are created: `<root>/<run>/<task>/<attempt>`. */
  workspaceRoot: string;
}

export interface RuntimeOptions {
  store: EngineStore;
  bus: EventBus;
  clock: Clock;
  ids: Ids;
  random: () => number;
  config: EngineConfig;
  /** Where errors no caller hears of go (a failed lease renewal, reloading a run after a failed write). */
  log: ErrorLog;
  /** The engine's loop: one tick (`Engine.tick`). */
  tick: () => void;
}

/**
 * What the engine's parts share, built once by the engine: the store, the bus, the clock, ids
 * and randomness, the configuration, and the state of the runs this process executes — the runs
 * in memory, the ready queue, each agent's load, who waits for a run to end, the inbox
 * between ticks, the tasks in flight, what acts once a transaction ends. Each part takes it
 * (plus the parts it calls) when it is built; nothing is wired afterwards.
 */
export class Runtime {
  readonly store: EngineStore;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly random: () => number;
  readonly config: EngineConfig;
  readonly log: ErrorLog;

  /** The runs this process executes, by id (`TaskFlow.activate` puts them here). */
  readonly active = new Map<string, ActiveRun>();
  readonly queue = new ReadyQueue();
  /** Tasks in progress per agent. */
  readonly load = new Map<string, number>();
  /** Whoever waits for a run to end (`Engine.whenSettled`), told once its end is stored. */
  readonly waiters = new Map<string, ((run: Run) => void)[]>();
  /** What happened between ticks (`QUEUED_INPUTS`), for the next tick to apply. */
  readonly inbox = new Inbox();
  /** What acts once the current write transaction ends (`afterCommit`, `stopAfter`). */
  readonly effects: CommitEffects;
  /** Tasks this process's executors run now, across all runs (the global limit counts these). */
  inFlight = 0;
  /** The attempts whose executors run here, until they have stopped (a kind's end hooks wait for them). */
  readonly attempts = new AttemptsRunning();
  /** The running attempts that listen for a person's messages (`runs.say`). */
  readonly messages = new AttemptMessages();
  /** A person's holds on coding agents between turns: Stop this turn, Pause (`attempt-turns.ts`). */
  readonly turns: AttemptTurns;
  /** The engine stopped (`Engine.close`): no tick runs any more. */
  closed = false;
  /**
   * The loop as background work: a scheduled tick's failure (a write the disk has no room for)
   * is logged once per streak, never thrown up through the event loop (`Engine.tick`).
   */
  readonly loop: BackgroundWork;

  private readonly tick: () => void;
  private scheduled = false;
  private lastNow = -1;
  private lastIso = '';
  /** The time of the write transaction going on (`RunWriter.tx`), as ISO 8601; null outside one. */
  private txIso: string | null = null;

  constructor(opts: RuntimeOptions) {
    this.store = opts.store;
    this.turns = new AttemptTurns(opts.store);
    this.bus = opts.bus;
    this.clock = opts.clock;
    this.ids = opts.ids;
    this.random = opts.random;
    this.config = opts.config;
    this.log = opts.log;
    this.tick = opts.tick;
    this.loop = new BackgroundWork("the engine's loop", opts.log);
    const store = opts.store;
    this.effects = new CommitEffects(() => store.inTx());
  }

  /** Tasks `agentId` has in progress here. */
  readonly loadOf = (agentId: string): number => this.load.get(agentId) ?? 0;

  /** Asks for a tick in this turn of the event loop (once, however often it is asked). */
  schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    // A writer far behind holds the next tick (not the thread): calls go in meanwhile.
    this.store.whenWriterRoom(() =>
      inTurn(() => {
        this.scheduled = false;
        this.loop.run(this.tick);
      }),
    );
  }

  /** Runs a tick now: what waits in the inbox is applied before the caller goes on. */
  tickNow(): void {
    this.tick();
  }

  /** A tick was asked for and has not run yet. */
  get tickPending(): boolean {
    return this.scheduled;
  }

  /**
   * The clock as ISO 8601, memoised: many transitions share a millisecond. Inside a write
   * transaction, the time it began (as PostgreSQL's `now()`): its changes commit together, and a
   * tick that moves thousands of tasks reads the clock once, not at each of them.
   */
  iso(): string {
    if (this.txIso !== null) return this.txIso;
    const now = this.clock.now();
    if (now !== this.lastNow) {
      this.lastNow = now;
      this.lastIso = new Date(now).toISOString();
    }
    return this.lastIso;
  }

  /** A write transaction begins (`RunWriter.tx`): `iso()` says its time until `txEnded`. */
  txBegan(): void {
    this.txIso = null;
    this.txIso = this.iso();
  }

  txEnded(): void {
    this.txIso = null;
  }
}
