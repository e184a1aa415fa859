import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate.ts';
import { preparePrivateDataDir, preparePrivateDbFile } from './private-files.ts';

export type Db = Database.Database;

export const DB_FILE = 'baton.db';

/**
 * Opens (creating if needed) the store. WAL lets the UI read while the engine writes;
 * synchronous=NORMAL in WAL mode keeps every commit across a process crash. The data directory
 * is 0700 and the database files 0600 (`private-files.ts`).
 */
export function openDatabase(dataDir: string | ':memory:'): Db {
  let file: string = dataDir;
  if (dataDir !== ':memory:') {
    try {
      preparePrivateDataDir(dataDir, DB_FILE);
    } catch (err) {
      throw new Error(dataDirProblem(dataDir, err));
    }
    file = join(dataDir, DB_FILE);
    preparePrivateDbFile(file);
  }
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
  } catch (err) {
    db.close();
    // A file that is not SQLite's (or damaged): said with its path, not as SQLite's bare words.
    if ((err as { code?: string }).code === 'SQLITE_NOTADB')
      throw new Error(
        `${file} is not a Baton database (SQLite: ${(err as Error).message}): move it aside, or give another data directory`,
      );
    throw err;
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Checkpoint the WAL every ~16 MB rather than every 4 MB: fewer pauses during busy runs.
  db.pragma('wal_autocheckpoint = 4000');
  // A WAL grown during a big run is cut back to this size when it is next reused from the start.
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  // 4 MB of page cache, not the driver's 16 MB. While a run goes on the writer thread's commits
  // change the file under this connection, and SQLite drops a WAL connection's whole cache at its
  // next read once another has written: what stays is what a big plan's import or start left
  // (a 100,000-task plan's body is ~10 MB), kept resident for the run's length.
  db.pragma('cache_size = -4000');
  migrate(db);
  return db;
}

/** Why the data directory cannot be made or used, naming it (a file in its place, no rights). */
function dataDirProblem(dir: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' || code === 'ENOTDIR')
    return `the data directory ${dir} is a file, or lies under one: give a folder (--data-dir or BATON_DATA_DIR)`;
  if (code === 'EACCES' || code === 'EPERM')
    return `the data directory ${dir} cannot be made or used here (${code}): give a folder you may write to (--data-dir or BATON_DATA_DIR)`;
  return `the data directory ${dir}: ${(err as Error).message}`;
}
