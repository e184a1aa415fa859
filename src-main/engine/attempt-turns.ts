import type { TaskPause } from '../store/pauses-repo.ts';

/**
 * The reason a running turn's signal aborts with when a person stops the turn: a question the
 * turn asked a person is then withdrawn (recorded `expired`), not left waiting.
 */
export const TURN_STOPPED = 'its turn was stopped by a person';

/** How a person holds an agent between its turns: its turn stopped (it waits for their words), or paused until Resume. */
export type Held = 'stopped' | 'paused';

/** What let a held agent go on: a person's message, Resume, or its attempt ended meanwhile. */
export type Release = 'said' | 'resumed' | 'aborted';

/** What a person did to the agent's turns, for the attempt to record as a step with their name. */
export interface TurnNote {
  what: 'stopped' | 'paused' | 'resumed';
  by: string;
  at: string;
}

/** What a coding attempt is given to be held between turns (`TaskContext.turns`, docs/steering.md). */
export interface TurnHold {
  /**
   * While its turn runs, the route says how to stop it (Claude Code's `interrupt` on its stdin,
   * ACP's `session/cancel`): `stop` answers false when the turn is already over. Returns what
   * forgets it, at the turn's end. A route whose agent has no means never calls it.
   */
  interruptible(stop: () => boolean): () => void;
  /** Hears what people do to its turns while the attempt runs (recorded as steps); returns what stops hearing. */
  notes(hear: (n: TurnNote) => void): () => void;
  /** Whether a person holds the agent now: asked where a turn ends (a map lookup). */
  held(): Held | null;
  /** Waits while held: resolves once a person's message or Resume lets the agent go on, or `signal` aborts. */
  wait(signal: AbortSignal): Promise<Release>;
}

/** The store's part the holds need. */
export interface PausesStore {
  pauses: {
    list(): TaskPause[];
    put(p: TaskPause): void;
    remove(runId: string, taskId: string): boolean;
  };
}

/**
 * A person's holds on coding tasks' agents (docs/steering.md), by run and task: the running turns
 * that can be stopped (registered by their route while they run), the turns stopped that wait for
 * a person's words, and the pauses, which are stored (migration 046) and read once, the first time
 * a coding attempt starts or a person asks; an attempt's end costs a size check while nothing is held.
 */
export class AttemptTurns {
  private readonly store: PausesStore;
  private loaded: Map<string, TaskPause> | null = null;
  /** The running turns that can be stopped, by task, with the attempt that runs them. */
  private readonly stops = new Map<string, { attempt: number; stop: () => boolean }>();
  /** Tasks whose running turn a person stopped: their agent waits for a message or Resume. */
  private readonly stopped = new Set<string>();
  /** What each running attempt records of people's holds. */
  private readonly hearing = new Map<string, { attempt: number; hear: (n: TurnNote) => void }>();
  /** Attempts waiting while held: woken when released. */
  private readonly waiters = new Map<string, Set<(why: Release) => void>>();
  /** Those waiting for a held agent's worktree to be quiet (`quiet`): woken when it waits between turns, or its attempt ends. */
  private readonly quieting = new Map<string, Set<() => void>>();
  /**
   * Pauses stored while no attempt ran (`holdBetween`), by task, with the task's attempt then: the
   * late end of that attempt (its cleanup may still run) keeps them; the end of a later one does not.
   */
  private readonly between = new Map<string, number>();
  /** Holds another part of Baton keeps (a person's terminal), by task: whose, in words; only they let the agent go. */
  private readonly keepers = new Map<string, string>();

  constructor(store: PausesStore) {
    this.store = store;
  }

  private get paused(): Map<string, TaskPause> {
    if (this.loaded === null) {
      this.loaded = new Map();
      for (const p of this.store.pauses.list()) this.loaded.set(keyOf(p.run_id, p.task_id), p);
    }
    return this.loaded;
  }

  /** What the task's attempt `attempt` is given (`TaskContext.turns`). */
  holdFor(runId: string, taskId: string, attempt: number): TurnHold {
    const key = keyOf(runId, taskId);
    void this.paused; // the stored pauses are read by then (`ended` relies on it)
    return {
      interruptible: (stop) => {
        const entry = { attempt, stop };
        this.stops.set(key, entry);
        return () => {
          if (this.stops.get(key) === entry) this.stops.delete(key);
        };
      },
      notes: (hear) => {
        const entry = { attempt, hear };
        this.hearing.set(key, entry);
        return () => {
          if (this.hearing.get(key) === entry) this.hearing.delete(key);
        };
      },
      held: () => this.heldAs(runId, taskId),
      wait: (signal) => this.wait(key, signal),
    };
  }

  /** Tells the task's running attempt what a person did, to record it. */
  note(runId: string, taskId: string, n: TurnNote): void {
    this.hearing.get(keyOf(runId, taskId))?.hear(n);
  }

  /** How the task is held now, or null. */
  heldAs(runId: string, taskId: string): Held | null {
    const key = keyOf(runId, taskId);
    if (this.paused.has(key)) return 'paused';
    return this.stopped.has(key) ? 'stopped' : null;
  }

  /** Who paused the task and when, or null. */
  pause(runId: string, taskId: string): TaskPause | null {
    return this.paused.get(keyOf(runId, taskId)) ?? null;
  }

  /** Whether the task's attempt `attempt` runs a turn that can be stopped now. */
  canStop(runId: string, taskId: string, attempt: number): boolean {
    return this.stops.get(keyOf(runId, taskId))?.attempt === attempt;
  }

  /** Stops the task's running turn: false when none runs that can be (it already ended). */
  stop(runId: string, taskId: string, attempt: number): boolean {
    const key = keyOf(runId, taskId);
    const entry = this.stops.get(key);
    if (entry?.attempt !== attempt) return false;
    // Held before the route hears its turn's end, so the end finds it held.
    this.stopped.add(key);
    if (entry.stop()) return true;
    this.stopped.delete(key);
    return false;
  }

  /** Pauses the task, stored before anything acts on it. */
  hold(p: TaskPause): void {
    this.store.pauses.put(p);
    this.paused.set(keyOf(p.run_id, p.task_id), p);
  }

  /** Pauses a task no attempt runs now, whose last attempt was `attempt`: its next one waits before it starts, until Resume. */
  holdBetween(p: TaskPause, attempt: number): void {
    this.hold(p);
    this.between.set(keyOf(p.run_id, p.task_id), attempt);
  }

  /** Keeps the task held for `who` (`Engine.keepHeld`): Resume is refused, saying whose, until it is let go (null). */
  keep(runId: string, taskId: string, who: string | null): void {
    if (who === null) this.keepers.delete(keyOf(runId, taskId));
    else this.keepers.set(keyOf(runId, taskId), who);
  }

  /** Who keeps the task held (`keep`), or null. */
  keeper(runId: string, taskId: string): string | null {
    return this.keepers.get(keyOf(runId, taskId)) ?? null;
  }

  /** Resume: the pause is removed and a stopped turn let go; a waiting attempt goes on. False when it was neither. */
  resume(runId: string, taskId: string): boolean {
    const key = keyOf(runId, taskId);
    const paused = this.paused.delete(key);
    if (paused) this.store.pauses.remove(runId, taskId);
    this.between.delete(key);
    const stopped = this.stopped.delete(key);
    if (paused || stopped) this.wake(key, 'resumed');
    return paused || stopped;
  }

  /** A person's message reached the agent: a stopped turn (not a paused one) goes on with it. */
  said(runId: string, taskId: string): void {
    const key = keyOf(runId, taskId);
    if (this.paused.has(key) || !this.stopped.delete(key)) return;
    this.wake(key, 'said');
  }

  /**
   * The task's attempt ended: its turn is no longer stoppable, a stop is forgotten, and so is a
   * pause, unless Baton is closing (a pause outlives the process: the next one holds the task).
   */
  ended(runId: string, taskId: string, attempt: number, closing: boolean): void {
    if (this.quieting.size > 0) this.hush(keyOf(runId, taskId));
    // Nothing held, stoppable or heard (no coding attempt ran, or none is held): nothing to do,
    // not even the key (every attempt of every kind ends here). A stored pause is read by the
    // first coding attempt's start (`holdFor`), so an unread store holds none to remove here.
    if (this.stops.size === 0 && this.hearing.size === 0 && this.stopped.size === 0 && !this.loaded?.size)
      return;
    const key = keyOf(runId, taskId);
    if (this.stops.get(key)?.attempt === attempt) this.stops.delete(key);
    if (this.hearing.get(key)?.attempt === attempt) this.hearing.delete(key);
    this.stopped.delete(key);
    if (closing || attempt <= (this.between.get(key) ?? 0)) return;
    this.between.delete(key);
    if (this.paused.delete(key)) this.store.pauses.remove(runId, taskId);
  }

  /**
   * Whether the task's agent waits between turns now, held (its stopped turn has ended, or its
   * attempt waits before starting): nothing of the agent's writes its worktree.
   */
  betweenTurns(runId: string, taskId: string): boolean {
    return (this.waiters.get(keyOf(runId, taskId))?.size ?? 0) > 0;
  }

  /**
   * Resolves once the task's held agent waits between turns (true), or its attempt ended (true:
   * no agent of it runs), or `ms` passed first (false): what a person who holds the agent to work
   * in its worktree waits for, since a stopped turn winds down (its last tool call may still write).
   */
  quiet(runId: string, taskId: string, ms: number): Promise<boolean> {
    const key = keyOf(runId, taskId);
    if (this.betweenTurns(runId, taskId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const set = this.quieting.get(key) ?? new Set<() => void>();
      this.quieting.set(key, set);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.quieting.get(key) === set) this.quieting.delete(key);
        resolve(ok);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      set.add(wake);
    });
  }

  private hush(key: string): void {
    for (const w of [...(this.quieting.get(key) ?? [])]) w();
  }

  private wait(key: string, signal: AbortSignal): Promise<Release> {
    if (signal.aborted) return Promise.resolve('aborted');
    if (!this.paused.has(key) && !this.stopped.has(key)) return Promise.resolve('resumed');
    return new Promise((resolve) => {
      const waiters = this.waiters.get(key) ?? new Set<(why: Release) => void>();
      this.waiters.set(key, waiters);
      const done = (why: Release) => {
        waiters.delete(done);
        if (waiters.size === 0 && this.waiters.get(key) === waiters) this.waiters.delete(key);
        signal.removeEventListener('abort', onAbort);
        resolve(why);
      };
      const onAbort = () => done('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      waiters.add(done);
      this.hush(key);
    });
  }

  private wake(key: string, why: Release): void {
    for (const w of [...(this.waiters.get(key) ?? [])]) w(why);
  }
}

const keyOf = (runId: string, taskId: string) => `${runId}\u0000${taskId}`;
