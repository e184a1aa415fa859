import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.ts';

// Plain JS, run in a worker thread: its own connection checkpoints the WAL every interval.
// PASSIVE never blocks the writer, so the engine's thread never pays for copying pages back.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err && err.message)); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the main thread. The main connection's automatic checkpoints
 * (which stall a tick for tens of ms) are turned off while the worker runs, and turned back
 * on if it fails, so the WAL never grows without bound.
 *
 * Once a second: a checkpoint copies pages while the engine writes, and on 2 cores every 200 ms
 * put hand-off p99 at 7–14 ms against 5.5–9 ms (`npm run bench`, 10,000 tasks). Either way a
 * PASSIVE checkpoint never finds the WAL fully copied while a run writes continuously, so the
 * WAL is only rewound after the run (a 100,000-task run grows it to ~375 MB on disk). Finishing
 * the copy on the engine's connection rewinds it (tried: WAL ≤ 94 MB) but stalls the engine
 * 25–40 ms each time (the WAL takes ~80 MB/s in that run); a RESTART from here waits for the
 * writer and then copies everything written meanwhile (0.1–0.8 s).
 */
export function startCheckpointer(db: Db, file: string, intervalMs = 1_000): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, file, intervalMs } });
  worker.unref();
  const fallback = () => {
    if (db.open) db.pragma('wal_autocheckpoint = 4000');
  };
  db.pragma('wal_autocheckpoint = 0');
  worker.on('error', fallback);
  worker.on('exit', (code) => {
    if (code !== 0) fallback();
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
