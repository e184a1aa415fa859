import { describe, expect, it } from 'vitest';
import { storeBehind } from './testing/store-behind.ts';

/** Whether `go` ran by the time the caller looks (it runs now when there is room). */
function ranYet(ask: (go: () => void) => void): () => boolean {
  let ran = false;
  ask(() => {
    ran = true;
  });
  return () => ran;
}

describe("the engine's next tick, while the writer is far behind", () => {
  it('waits for room instead of holding the thread, and goes once the writer has taken some', async () => {
    const { store, other, tick, written, close } = storeBehind();
    try {
      expect(ranYet((go) => store.whenWriterRoom(go))()).toBe(true);
      // Another process holds the write lock: the writer waits for it (its busy timeout is 5 s).
      other.exec('BEGIN IMMEDIATE');
      // 4,500 ticks of a statement each, past the 4,000 the engine may hand on: the last ones
      // would have waited on the thread for the writer, which waits on the lock this thread holds.
      for (let i = 0; i < 4500; i++) tick(`tick ${i}`);
      const next = ranYet((go) => store.whenWriterRoom(go));
      expect(next()).toBe(false);
      const last = store.unwritten();
      other.exec('COMMIT');
      await new Promise<void>((resolve) => store.whenWriterRoom(resolve));
      expect(next()).toBe(true);
      expect(await written(last)).toBe(true);
      expect(other.prepare("SELECT count(*) FROM audit_entries WHERE why LIKE 'tick %'").pluck().get()).toBe(
        4500,
      );
    } finally {
      await close();
    }
  });
});

describe('work that needs the writer idle (a search catching its index up)', () => {
  it('runs once the writer has written every tick, the engine held until it has', async () => {
    const { store, other, tick, close } = storeBehind();
    try {
      other.exec('BEGIN IMMEDIATE');
      tick('held');
      let unwrittenThen: number | null = null;
      const work = store.whenWriterIdle(() => {
        unwrittenThen = store.unwritten();
        // A transaction of this thread's connection: it finds the writer idle, so it does not wait.
        return store.memory.indexPending(500);
      });
      // One small tick: room enough, but the engine waits for the work.
      const next = ranYet((go) => store.whenWriterRoom(go));
      expect(next()).toBe(false);
      expect(unwrittenThen).toBeNull();
      other.exec('COMMIT');
      expect(await work).toBe(true);
      expect(unwrittenThen).toBe(0);
      expect(next()).toBe(true);
    } finally {
      await close();
    }
  });

  it('runs now when the writer is idle, and its error reaches the caller with the engine let go', async () => {
    const { store, close } = storeBehind();
    try {
      await expect(store.whenWriterIdle(() => 'now')).resolves.toBe('now');
      await expect(
        store.whenWriterIdle(() => {
          throw new Error('the index is full');
        }),
      ).rejects.toThrow('the index is full');
      expect(ranYet((go) => store.whenWriterRoom(go))()).toBe(true);
    } finally {
      await close();
    }
  });
});
