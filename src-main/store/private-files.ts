import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * What Baton keeps (outputs, audit, agent configs, handed-in files) is its user's alone: every
 * directory it creates under the data directory is 0700, every file 0600. Modes are given
 * explicitly wherever Baton creates something, never left to the umask (which only ever takes
 * bits away: 0700 under umask 000 is still 0700).
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The sticky bit: a directory shared by many (like /tmp), each removing only their own files. */
const STICKY = 0o1000;

/** Windows has no such modes (its ACLs are the profile folder's): nothing to do there. */
const POSIX = process.platform !== 'win32';

/**
 * Creates the data directory 0700, or tightens an existing one that is Baton's: one that holds
 * `dbFile` or nothing at all. A directory a person pointed Baton at that holds other things
 * (their home, a project folder) or a shared one (the sticky bit, like /tmp) keeps its mode:
 * Baton's own files in it are private all the same.
 */
export function preparePrivateDataDir(dir: string, dbFile: string): void {
  const created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE }) !== undefined;
  if (!POSIX || created) return;
  const st = statSync(dir);
  if ((st.mode & 0o077) === 0 || (st.mode & STICKY) !== 0) return;
  if (st.uid !== process.getuid?.()) return;
  if (!existsSync(join(dir, dbFile)) && readdirSync(dir).length > 0) return;
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes the database file 0600 before SQLite opens it, creating it empty if need be (SQLite
 * takes an empty file for a new database). SQLite creates the file 0644 itself, and gives its
 * WAL and shared-memory files exactly the database file's mode, whatever the umask: so they
 * follow. Ones left by an older Baton with looser modes are tightened here too.
 */
export function preparePrivateDbFile(file: string): void {
  if (!POSIX) return;
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, PRIVATE_FILE_MODE);
  try {
    if ((fstatSync(fd).mode & 0o777) !== PRIVATE_FILE_MODE) fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
  for (const side of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      if ((statSync(side).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(side, PRIVATE_FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
