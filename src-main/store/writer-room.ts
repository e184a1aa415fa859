/** What `WriterRoom` asks of the store's writer (`WriteBehind`). */
export interface RoomWriter {
  /** More ticks wait for the writer than the engine may hand it (`MAX_QUEUED` values). */
  crowded(): boolean;
  /** The writer is stopped or gone: transactions go direct, nothing waits for it. */
  stopped(): boolean;
  /** Whether the writer has written every tick handed to it; if not, `then` runs once it has written (or dropped) those. */
  idleOr(then: () => void): boolean;
}

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
   * Runs `work` once the writer has written every tick handed to it, the engine's ticks held
   * meanwhile; settles with what `work` returns (or throws).
   */
  whenIdle<T>(work: () => T): Promise<T> {
    this.holds++;
    return new Promise<T>((resolve, reject) => {
      // Once the writer has written, on a turn of its own: the writer's word can be taken up
      // inside a tick (a statement that waited for it), and `work` must not run there.
      const later = () => void setImmediate(attempt);
      const attempt = (): void => {
        if (!this.writer.stopped() && !this.writer.idleOr(later)) return;
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        } finally {
          this.holds--;
          this.free();
        }
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
