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
    preparePrivateDataDir(dataDir, DB_FILE);
    file = join(dataDir, DB_FILE);
    preparePrivateDbFile(file);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Checkpoint the WAL every ~16 MB rather than every 4 MB: fewer pauses during busy runs.
  db.pragma('wal_autocheckpoint = 4000');
  // A WAL grown during a big run is cut back to this size when it is next reused from the start.
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  migrate(db);
  return db;
}
