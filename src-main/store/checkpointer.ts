import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { BackgroundWork } from '../base/background.ts';
import type { ErrorLog } from '../base/log-line.ts';
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
  /**
   * Called after each outermost commit on the main connection, outside any transaction (as the
   * store's `tx` does): keeps the WAL under its cap.
   */
  afterCommit(): void;
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  /**
   * WAL size (bytes) past which the main connection finishes the copy itself; 256 MB by default,
   * and never below the connection's `journal_size_limit` (a rewound WAL is only cut back to it).
   */
  walCapBytes?: number;
  /** Where a failed checkpoint is reported (once in a row); it never fails the transaction that committed. */
  log?: ErrorLog;
  /**
   * Start the thread this long after (0: at once), or at the 64th commit before then. Meanwhile the
   * main connection keeps its own automatic checkpoints, as when the thread fails. The app waits a second: a thread's start is
   * ~60–80 ms of CPU (a Node environment, the SQLite driver), and `baton serve` has not said
   * where it serves by then.
   */
  startAfterMs?: number;
}

/** Commits that start a delayed thread at once (`startAfterMs`): a start of the app makes fewer. */
const START_AFTER_COMMITS = 64;

/** Commits between two looks at the WAL's size. */
const CHECK_EVERY = 32;

/**
 * Moves WAL checkpoints off the main thread. The main connection's automatic checkpoints
 * (which stall a tick for tens of ms) are turned off while the worker runs, and turned back
 * on if it fails, so the WAL never grows without bound.
 *
 * Once a second: a checkpoint copies pages while the engine writes, and on 2 cores every 200 ms
 * put hand-off p99 at 7–14 ms against 5.5–9 ms (`npm run bench`, 10,000 tasks).
 *
 * A PASSIVE checkpoint never finds the WAL fully copied while a run writes continuously (it copies
 * up to the last commit it saw, and more has been written by the time it ends), so the WAL is
 * never rewound and grows ~4.7 KB per task (~375 MB in a 100,000-task run). Past `walCapBytes`,
 * the main connection checkpoints between two transactions: it copies what the worker has not
 * yet (up to a second of writes: a stall of 25–40 ms at the engine's full speed here), the copy
 * is then complete, and the next transaction rewinds the WAL (and `journal_size_limit` cuts the
 * file back). A run that leaves the engine idle between ticks never gets there: the worker
 * finishes the copy in an idle moment.
 */
export function startCheckpointer(db: Db, file: string, opts: CheckpointerOptions = {}): Checkpointer {
  const intervalMs = opts.intervalMs ?? 1_000;
  const limit = Number(db.pragma('journal_size_limit', { simple: true }));
  const cap = Math.max(opts.walCapBytes ?? 256 * 1024 * 1024, limit);
  const wal = `${file}-wal`;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const fallback = () => {
    if (db.open) db.pragma('wal_autocheckpoint = 4000');
  };
  let worker: Worker | null = null;
  let exited: Promise<void> = Promise.resolve();
  const startWorker = () => {
    if (!db.open) return;
    const w = new Worker(WORKER, { eval: true, workerData: { driver, file, intervalMs } });
    worker = w;
    w.unref();
    db.pragma('wal_autocheckpoint = 0');
    w.on('error', fallback);
    // Settles once the thread has ended, however it ended (stopped, or failed at its start).
    exited = new Promise<void>((resolve) =>
      w.once('exit', (code) => {
        if (code !== 0) fallback();
        resolve();
      }),
    );
  };
  const startAfterMs = opts.startAfterMs ?? 0;
  let starting = startAfterMs > 0 ? setTimeout(startWorker, startAfterMs).unref() : null;
  if (!starting) startWorker();
  /** Commits before the thread started: at `START_AFTER_COMMITS` it starts then (work has begun). */
  let early = 0;
  const checkpoints = new BackgroundWork('checkpointing the WAL', opts.log);
  let commits = 0;
  /** Past the cap at the last look: looked at after every commit until the WAL is cut back. */
  let over = false;
  return {
    afterCommit() {
      // The store calls this only after an outermost commit, so the connection is open and no
      // transaction is under way.
      if (starting && ++early >= START_AFTER_COMMITS) {
        // Writes have begun before the delay ran out (a run started): the main connection's own
        // checkpoints of 4,000 pages would stall them, so the thread starts now.
        clearTimeout(starting);
        starting = null;
        startWorker();
      }
      if (!over && ++commits % CHECK_EVERY !== 0) return;
      let size: number;
      try {
        size = statSync(wal).size;
      } catch {
        return; // no WAL file (yet): nothing to cap
      }
      over = size > cap;
      if (!over) return;
      // Busy when the worker is checkpointing right now (a result, not an error): the next
      // commit tries again (on a loaded machine the worker's copy can take many commits, and
      // waiting 32 commits between tries let the WAL reach 8–11 MB against a 1 MB cap). A real failure (disk full, say) is reported: it happened after a commit,
      // and the caller's transaction stands.
      checkpoints.run(() => db.pragma('wal_checkpoint(PASSIVE)'));
    },
    stop() {
      if (starting) clearTimeout(starting);
      if (!worker) return exited; // stopped before the thread started: nothing runs
      // Held until it has ended: a process awaiting stop() (the CLI closing its app) would
      // otherwise end there, with nothing left to run, before its own last words and exit code.
      worker.ref();
      worker.postMessage('stop'); // nothing happens when the thread has ended already
      return exited;
    },
  };
}
