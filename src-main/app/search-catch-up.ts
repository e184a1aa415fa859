import { nextTurn } from '../base/turns.ts';
import type { Store } from '../store/store.ts';

/** Rows per full-text index a search brings in at a time: a few ms of the thread (or the writer's). */
const ROWS_PER_TURN = 500;
/**
 * Most turns a search spends catching up before it takes what is left at once (inside its
 * search): writes that kept pace with it could otherwise keep it waiting.
 */
const MOST_TURNS = 2_000;

/**
 * Brings the full-text indexes up to date before a search, a chunk at a time. While runs go on,
 * the index waits (`SearchIndexing`, up to 30 s); a search used to catch up on everything at once
 * on the thread the engine and every call share. With a store's writer, each chunk is written by
 * the writer's thread after the ticks it holds, and awaited: the index reads the tables it writes,
 * and on this thread a chunk had to wait for them first. Without one, each turn's chunk leaves the
 * rest of the loop its turn. Cheap when nothing is pending (one look).
 */
export async function searchIndexCaughtUp(store: Pick<Store, 'memory'>): Promise<void> {
  for (let turn = 0; turn < MOST_TURNS; turn++) {
    const behind = store.memory.indexBehind(ROWS_PER_TURN);
    const left = behind ? await behind : !store.memory.indexPending(ROWS_PER_TURN);
    if (left === false) return;
    // The writer failed it (a full disk): the search's own catch-up says why.
    if (left === 'failed') return;
    if (!behind) await nextTurn();
  }
}
