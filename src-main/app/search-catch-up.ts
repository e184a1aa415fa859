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
 * Brings the full-text indexes up to date before a search, a chunk at a time; true once every row
 * written before it began is in (the search need not look again), false when it gave up (the
 * search catches up on what is left itself). While runs go on, the index waits
 * (`SearchIndexing`, up to 30 s); a search used to catch up on everything at once on the thread
 * the engine and every call share. With a store's writer, each chunk is written by the writer's
 * thread after the ticks it holds, and awaited: the index reads the tables it writes, and on this
 * thread a chunk had to wait for them first. It goes on until the index has what the sources held
 * once its first chunk was written (everything handed on before the search), not until nothing is
 * left: runs going on write more at every turn. Without a writer, each turn's chunk leaves the
 * rest of the loop its turn, until one finds fewer rows than it takes. Cheap when nothing is
 * pending (one look).
 */
export async function searchIndexCaughtUp(store: Pick<Store, 'memory'>): Promise<boolean> {
  let upTo: number[] | null = null;
  for (let turn = 0; turn < MOST_TURNS; turn++) {
    const behind = store.memory.indexBehind(ROWS_PER_TURN);
    if (!behind) {
      if (store.memory.indexPending(ROWS_PER_TURN)) return true;
      await nextTurn();
      continue;
    }
    // The writer failed it (a full disk): the search's own catch-up says why.
    if (!(await behind)) return false;
    upTo ??= store.memory.indexTops();
    if (store.memory.indexedUpTo(upTo)) return true;
  }
  return false;
}
