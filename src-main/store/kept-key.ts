import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from './private-files.ts';

/**
 * A key Baton makes once and keeps in the data directory, readable by its user alone (0600): the
 * one-time links' signing key, the Web Push VAPID key pair. A new key is written whole under a
 * temporary name and linked into place only if no file is there (two processes starting together
 * end up with the same key: the second reads the first's). A kept file another user could read,
 * or that `valid` refuses, is replaced by a new key: what was signed with the old one stops
 * working, which is what a key that may have been seen should do.
 */
export function keptKey(
  dataDir: string,
  name: string,
  make: () => string,
  valid: (kept: string) => boolean,
): string {
  const file = join(dataDir, name);
  let replace = false;
  try {
    const st = statSync(file);
    const kept = readFileSync(file, 'utf8').trim();
    if ((st.mode & 0o077) === 0 && valid(kept)) return kept;
    replace = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = make();
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, `${key}\n`, { mode: PRIVATE_FILE_MODE });
    if (replace) renameSync(tmp, file);
    else linkSync(tmp, file);
  } catch (err) {
    // Another process made it meanwhile: theirs is the key.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  return key;
}
