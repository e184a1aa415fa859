import { describe, expect, it } from 'vitest';
import { storeBehind } from './testing/store-behind.ts';

/** Makes the writer fail a tick that audits 'refused' (as a full disk would fail it). */
const REFUSE = `CREATE TRIGGER refuse BEFORE INSERT ON audit_entries WHEN new.why = 'refused'
  BEGIN SELECT RAISE(ABORT, 'refused'); END;`;

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

  it('runs a second step once the writer has written what the first handed it, the engine held through both', async () => {
    const { store, other, tick, close } = storeBehind();
    try {
      other.exec('BEGIN IMMEDIATE');
      let unwrittenThen: number | null = null;
      const both = store.whenWriterIdle(
        () => {
          // A run's launch and first tick: the tick goes to the writer, which waits for the lock.
          tick('the first step');
          return store.unwritten();
        },
        (handed) => {
          unwrittenThen = store.unwritten();
          return handed;
        },
      );
      const next = ranYet((go) => store.whenWriterRoom(go));
      expect(next()).toBe(false);
      expect(unwrittenThen).toBeNull();
      other.exec('COMMIT');
      expect(await both).toBeGreaterThan(0);
      expect(unwrittenThen).toBe(0);
      expect(next()).toBe(true);
    } finally {
      await close();
    }
  });

  it('runs on a turn of its own, not inside a tick that takes up a failure of the writer', async () => {
    const { store, other, tick, close } = storeBehind();
    try {
      other.exec(REFUSE);
      other.exec('BEGIN IMMEDIATE');
      tick('refused');
      let inTick = false;
      let ranInTick: boolean | null = null;
      const work = store.whenWriterIdle(() => {
        ranInTick = inTick;
        return store.memory.indexPending(500);
      });
      other.exec('COMMIT');
      // The writer fails the batch; this thread, not yielding, has not read its word yet.
      while (store.unwritten() !== 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      // A tick whose read waits for the writer takes the failure up there (and fails with it).
      try {
        store.txBehind(
          () => {
            inTick = true;
            store.db.prepare('SELECT count(*) FROM audit_entries').get();
            inTick = false;
          },
          () => null,
        );
      } catch {
        inTick = false;
      }
      expect(await work).toBe(true);
      expect(ranInTick).toBe(false);
    } finally {
      await close();
    }
  });

  it('says, when the store stops between its steps, that the first was done (asking again would do it twice)', async () => {
    const { store, other, tick, close } = storeBehind();
    try {
      other.exec('BEGIN IMMEDIATE');
      let first = false;
      let second = false;
      const both = store.whenWriterIdle(
        () => {
          first = true;
          tick('the first step');
        },
        () => {
          second = true;
        },
      );
      expect(first).toBe(true);
      other.exec('COMMIT');
      const refused = expect(both).rejects.toMatchObject({
        code: 'unavailable',
        message: /what was asked was done/,
      });
      await store.stopWriter();
      await refused;
      expect(second).toBe(false);
    } finally {
      await close();
    }
  });

  it('is refused when the store stops, though the writer failed the last batch', async () => {
    const { store, other, tick, close } = storeBehind();
    try {
      other.exec(REFUSE);
      other.exec('BEGIN IMMEDIATE');
      tick('refused');
      let ran = false;
      const work = store.whenWriterIdle(() => {
        ran = true;
      });
      other.exec('COMMIT');
      // As the app closes: the writer stopped before this thread read its word on the batch. The
      // connection closes next: the work does not begin, and says why.
      const refused = expect(work).rejects.toMatchObject({ code: 'unavailable', message: /closing/ });
      await store.stopWriter();
      await refused;
      expect(ran).toBe(false);
      expect(ranYet((go) => store.whenWriterRoom(go))()).toBe(true);
    } finally {
      await close();
    }
  });
});
