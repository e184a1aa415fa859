import { AppError } from '../base/errors.ts';

/** What `WriterRoom` asks of the store's writer (`WriteBehind`). */
export interface RoomWriter {
  /** More ticks wait for the writer than the engine may hand it (`MAX_QUEUED` values). */
  crowded(): boolean;
  /** The writer is stopped or gone: transactions go direct, nothing waits for it. */
  stopped(): boolean;
  /** The store is closing (the writer was told to stop, not lost): no new transaction begins. */
  closing(): boolean;
  /** The last tick handed to the writer. */
  handed(): number;
  /** Whether the writer has written tick `seq` (and those before); if not, `then` runs once it has (or dropped it). */
  writtenOr(seq: number, then: () => void): boolean;
}

/**
 * The real `setImmediate`, as it was when Baton loaded: a test's fake timers would hold a call's
 * write for good (as `base/turns.ts` keeps it).
 */
const immediate = globalThis.setImmediate;

/**
 * When the engine may hand the writer its next tick, and work that needs the writer idle. A writer
 * far behind holds the engine's next tick (`whenRoom`) instead of the tick waiting for it on the
 * thread every call shares (`Atomics.wait`): the calls go in meanwhile, and the writer has a core
 * to itself. A transaction of the engine's connection (a search's index catch-up) waits likewise
 * for the writer to be idle (`whenIdle`), the engine's ticks held until it has run.
 */
export class WriterRoom {
  private readonly writer: RoomWriter;
  private waiters: (() => void)[] = [];
  /** Work waiting for the writer to be idle: while any does, there is no room. */
  private holds = 0;

  constructor(writer: RoomWriter) {
    this.writer = writer;
  }

  /** The engine's next tick waits (`whenRoom`). */
  get full(): boolean {
    return (this.holds > 0 || this.writer.crowded()) && !this.writer.stopped();
  }

  /** Runs `go` once there is room for a tick: now, if there is. */
  whenRoom(go: () => void): void {
    if (this.full) this.waiters.push(go);
    else go();
  }

  /**
   * Runs `work` once the writer has written every tick handed to it before this was asked, the
   * engine's ticks held meanwhile (what a call hands it meanwhile, its statements wait for on the
   * thread: little, and never an open-ended wait); then `then`, likewise, with what `work`
   * returned, the engine held through both (an answer made from the state `work` left). Settles with
   * what the last returns or throws; refused once the store is closing.
   */
  whenIdle<A, T>(work: () => A, then: (a: A) => T): Promise<T> {
    this.holds++;
    return new Promise<T>((resolve, reject) => {
      const steps = [work, then] as ((a: unknown) => unknown)[];
      let value: unknown;
      let upTo = this.writer.handed();
      // Once the writer has written, on a turn of its own: the writer's word can be taken up
      // inside a tick (a statement that waited for it), and a step must not run there.
      const later = () => void immediate(attempt);
      const attempt = (): void => {
        try {
          if (this.writer.closing())
            throw new AppError(
              'unavailable',
              steps.length === 2
                ? 'Baton is closing: try again once it has restarted'
                : // The first step ran (a run started): asking again would do it twice.
                  'Baton closed before it could answer: what was asked was done; look at it once Baton has restarted',
            );
          if (!this.writer.stopped() && !this.writer.writtenOr(upTo, later)) return;
          value = steps.shift()!(value);
          if (steps.length > 0) {
            upTo = this.writer.handed();
            attempt();
            return;
          }
          resolve(value as T);
        } catch (err) {
          reject(err);
        }
        this.holds--;
        this.free();
      };
      attempt();
    });
  }

  /** Lets go what waited for room, once there is (the writer took a group, failed, stopped or is gone). */
  free(): void {
    if (this.waiters.length === 0 || this.full) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const go of waiters) go();
  }
}
