import { afterEach, describe, expect, it } from 'vitest';
import { storeBehind } from './testing/store-behind.ts';

const opened: ReturnType<typeof storeBehind>[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
function open() {
  const s = storeBehind();
  opened.push(s);
  s.db
    .prepare(`INSERT INTO runs (id, plan_id, plan_version, status, memory_id, created_at, lease_owner)
      VALUES ('r1', 'p', 1, 'executing', 'm', '2026-11-30T00:00:00Z', 'me')`)
    .run();
  return s;
}
const run = (s: ReturnType<typeof storeBehind>) =>
  s.db.prepare("SELECT status, lease_owner FROM runs WHERE id = 'r1'").get();

/** What the thread the engine and every call share does not wait for the writer for. */
describe("a run's end, written behind the engine", () => {
  it('goes with its tick while the writer is held, and a read of the run then waits for it', async () => {
    const s = open();
    // Another process holds the write lock: the writer waits for it.
    s.other.exec('BEGIN IMMEDIATE');
    s.store.txBehind(
      () => {
        s.store.runs.setStatus('r1', 'completed', '2026-11-30T00:00:01Z');
        s.store.runs.dropLease('r1', 'me', 1);
      },
      () => null,
    );
    // Written direct, the tick would have waited here for the lock (5 s, then failed).
    const seq = s.store.unwritten();
    expect(seq).toBeGreaterThan(0);
    s.other.exec('COMMIT');
    // Not waited for: the read of the run does, and sees its end.
    expect(run(s)).toEqual({ status: 'completed', lease_owner: null });
    expect(s.store.unwritten()).toBe(0);
  });
});
