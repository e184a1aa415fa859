// The writer thread of `WriteBehind` (write-behind.ts, docs/speed.md "The writes behind the engine").
// Plain JS, run in a worker thread with its own connection: applies each batch (a group of ticks) as one
// transaction, checking first that this process still holds the leases of the runs it writes.
import { ABSORBED } from './tick-queue.ts';

export const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const shared = new Int32Array(workerData.shared);
// The thread cannot go on (it did not start, or failed outside a batch): [3] says so, and the
// engine's thread, which may be blocked waiting on [0] (and so deaf to this thread's 'error'
// event), is woken to read it. The error goes on: the thread ends.
function gone(err) {
  Atomics.store(shared, 3, 1);
  Atomics.notify(shared, 0);
  throw err;
}
let db, leaseOwner, begin, commit, rollback;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('wal_autocheckpoint = 0');
  // 1 MB of page cache, not the driver's 16 MB: it appends and updates the rows it was just handed,
  // and what it keeps stays in this thread's own malloc arena (measured: ~42 MB resident, ~22 so).
  db.pragma('cache_size = -1024');
  leaseOwner = db.prepare('SELECT lease_owner FROM runs WHERE id = ?').pluck();
  begin = db.prepare('BEGIN IMMEDIATE');
  commit = db.prepare('COMMIT');
  rollback = db.prepare('ROLLBACK');
} catch (err) {
  gone(err);
}
const statements = new Map();
let failed = false;
function apply(m) {
  begin.run();
  try {
    if (m.owner !== null)
      for (const runId of m.runIds) {
        const owner = leaseOwner.get(runId);
        if (owner !== undefined && owner !== m.owner)
          throw Object.assign(new Error('run ' + runId + ' was taken over by ' + owner), { code: 'BATON_TAKEN_OVER' });
      }
    // A statement id of ABSORBED: an update a later one of its row absorbed (tick-queue.ts).
    for (const ops of m.ops)
      for (let i = 0; i < ops.length; i += 2) if (ops[i] !== ${ABSORBED}) statements.get(ops[i]).run(ops[i + 1]);
    commit.run();
  } catch (err) {
    if (db.inTransaction) rollback.run();
    throw err;
  }
}
parentPort.on('message', (m) => {
  try {
    if (m === 'resume') { failed = false; return; }
    if (m === 'stop') { db.close(); parentPort.close(); return; }
    let error = null;
    try {
      // Prepared even when the batch is dropped: later batches name them without their SQL.
      for (const [id, sql] of m.sql) statements.set(id, db.prepare(sql));
      if (failed) error = { message: 'an earlier batch failed', code: 'BATON_DROPPED' };
      else apply(m);
    } catch (err) {
      error = { message: String(err && err.message), code: (err && err.code) || null };
      if (!failed) Atomics.store(shared, 2, m.first);
      failed = true;
    }
    if (error) Atomics.store(shared, 1, 1);
    Atomics.store(shared, 0, m.seq);
    Atomics.notify(shared, 0);
    parentPort.postMessage({ seq: m.seq, error });
  } catch (err) {
    gone(err);
  }
});
`;
