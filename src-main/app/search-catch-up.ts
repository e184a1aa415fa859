import { nextTurn } from '../base/turns.ts';
import type { Store } from '../store/store.ts';

/** Rows per full-text index a search brings in at a time: a few ms of the thread. */
const ROWS_PER_TURN = 500;
/**
 * Most turns a search spends catching up before it takes what is left at once (inside its
 * search): writes that kept pace with it could otherwise keep it waiting.
 */
const MOST_TURNS = 2_000;

/**
 * Brings the full-text indexes up to date before a search, a chunk per turn of the event loop;
 * true once a chunk found fewer rows than it takes (the search need not look again), false when
 * it gave up (the search catches up on what is left itself). While runs go on, the index waits
 * (`SearchIndexing`, up to 30 s), and a search used to catch up on everything at once: ~1 µs a
 * row on this thread, where the engine and every call wait. Each turn's chunk leaves the rest of
 * the loop its turn. Cheap when nothing is pending (one look).
 *
 * Each chunk is a transaction of this thread's connection: it waits for the store's writer to
 * have written what the engine handed it. It waits without holding the thread, the engine's ticks
 * held meanwhile (`whenWriterIdle`): held on the thread, those waits were ~0.5 s of two clients'
 * load, and cheap requests waited behind them. (Awaiting the writer while the engine kept on
 * ticking was worse: the engine and the writer, both busy, shared the cores with the calls.)
 *
 * Tried and left (2026-11-30): each chunk written by the store's writer thread and awaited. The
 * thread the calls share waited less, but the writer, busier, held the engine's ticks back: under
 * two clients' load a cheap request's p99 read 80–112 ms against 40–62 this way.
 */
export async function searchIndexCaughtUp(store: Pick<Store, 'memory' | 'whenWriterIdle'>): Promise<boolean> {
  for (let turn = 0; turn < MOST_TURNS; turn++) {
    if (await store.whenWriterIdle(() => store.memory.indexPending(ROWS_PER_TURN))) return true;
    await nextTurn();
  }
  return false;
}
