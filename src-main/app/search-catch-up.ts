import { nextTurn } from '../base/turns.ts';
import type { Store } from '../store/store.ts';

/** Rows per full-text index a search brings in at a time: a few ms of the thread. */
const ROWS_PER_TURN = 1_000;
/**
 * Most turns a search spends catching up before it takes what is left at once (inside its
 * search): writes that kept pace with it could otherwise keep it waiting.
 */
const MOST_TURNS = 1_000;

/**
 * Brings the full-text indexes up to date before a search, a chunk per turn of the event loop.
 * While runs go on, the index waits (`SearchIndexing`, up to 30 s), and a search used to catch up
 * on everything at once: ~1 µs a row on this thread, where the engine and every call wait. Each
 * turn's chunk leaves the rest of the loop its turn. Cheap when nothing is pending (one look).
 */
export async function searchIndexCaughtUp(store: Pick<Store, 'memory'>): Promise<void> {
  for (let turn = 0; turn < MOST_TURNS && !store.memory.indexPending(ROWS_PER_TURN); turn++) await nextTurn();
}
