import { BackgroundWork } from '../base/background.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { Runtime } from './runtime.ts';

/** Rows per index brought into the search index in one background step. */
const INDEX_CHUNK = 500;
/** How long background indexing waits for runs to end before it takes a chunk anyway. */
const INDEX_POSTPONE_MS = 30_000;

/**
 * Brings the search index up to date a little after runs end, off the hot path: a few hundred
 * rows at a time, so runs still going never wait more than a few ms for it. A chunk that fails
 * (a full disk) is logged once and tried again later, ever less often (`BackgroundWork`); a
 * search in between catches up by itself, or answers `storage_full`.
 */
export class SearchIndexing {
  private readonly store: Store;
  private readonly clock: Clock;
  /** How many runs are going on (indexing waits for them). */
  private readonly running: () => number;
  private timer: NodeJS.Timeout | null = null;
  /** When background indexing began to wait for active runs to end (null: not waiting). */
  private waitingSince: number | null = null;
  private stopped = false;
  private readonly work: BackgroundWork;

  constructor(rt: Runtime) {
    this.store = rt.store;
    this.clock = rt.clock;
    this.running = () => rt.active.size;
    this.work = new BackgroundWork('search indexing', rt.log);
  }

  schedule(delayMs = 1_000): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      this.work.run(
        () => this.step(),
        (retryMs) => this.schedule(retryMs),
      );
    }, delayMs);
    this.timer.unref();
  }

  private step(): void {
    // A chunk stalls the engine thread for its time (~5 ms): while runs go on it waits, up to
    // INDEX_POSTPONE_MS from the first wait (a search catches up on what is left before it looks).
    const now = this.clock.now();
    this.waitingSince ??= now;
    if (this.running() > 0 && now - this.waitingSince < INDEX_POSTPONE_MS) {
      this.schedule(1_000);
      return;
    }
    // Once it runs, it goes on (10 ms apart) until the index has caught up.
    if (this.store.memory.indexPending(INDEX_CHUNK)) this.waitingSince = null;
    else this.schedule(10);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
