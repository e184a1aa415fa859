import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../db.ts';
import { createStore } from '../store.ts';

/** An audit entry of run r1 (the store's tests write them as ticks). */
export const runEntry = (why: string) => ({
  at: new Date().toISOString(),
  actor: 'test',
  entity: 'run' as const,
  entity_id: 'r1',
  run_id: 'r1',
  from_status: null,
  to_status: null,
  why,
});

/** A store writing behind the engine on a temp file, and another connection (another process) to it. */
export function storeBehind() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-behind-'));
  const file = join(dir, 'baton.db');
  const db = openDatabase(dir);
  const store = createStore(db, undefined, { behindFile: file });
  const other = new Database(file);
  return {
    dir,
    db,
    store,
    other,
    /** Audit entries of run r1, written by a tick behind the engine. */
    tick: (...why: string[]) =>
      store.txBehind(
        () => store.memory.auditMany(why.map(runEntry)),
        () => null,
      ),
    /** True once the writer has written tick `seq`, false if it dropped it. */
    written: (seq: number) =>
      new Promise<boolean>((resolve) =>
        store.whenWritten(
          seq,
          () => resolve(true),
          () => resolve(false),
        ),
      ),
    async close() {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await store.stopWriter();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
