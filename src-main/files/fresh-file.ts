import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { NOFOLLOW } from './open-folder.ts';

/**
 * Writes `name` in `dir` as a new file of its own with `mode`: whatever had that name (a file, a
 * symbolic link, a second name of a file elsewhere) is removed first, never followed, and the
 * file is created exclusively, so a link put back meanwhile fails the write instead of taking
 * it. For Baton's own files in a folder that an agent can write (synchronous: inside a
 * transaction). `name` is one name, not a path; `dir` is Baton's own.
 */
export function writeFreshFileSync(dir: string, name: string, data: Uint8Array, mode: number): string {
  const path = join(dir, name);
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, mode);
  try {
    let at = 0;
    while (at < data.length) at += writeSync(fd, data, at, data.length - at);
  } finally {
    closeSync(fd);
  }
  return path;
}
