import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { NOFOLLOW, NONBLOCK } from './open-folder.ts';

const CHUNK = 64 * 1024;

/** A file Baton recorded (an artifact): where it is, and its size and sha256 then. */
export interface RecordedFile {
  path: string;
  size: number;
  sha256: string;
}

/**
 * The first `keep` bytes of a recorded file, read only if the whole file is still the one
 * recorded: opened without following a symbolic link (an agent can swap its file for a link to
 * the user's keys after it was recorded), a regular file, of the recorded size and sha256. A
 * folder on the way swapped for a link cannot make it send anything else: only bytes that hash
 * to the recorded sha256 are returned. Otherwise why not, in words for a log or a prompt.
 */
export function readRecordedFileSync(
  file: RecordedFile,
  keep: number,
): { ok: true; head: Buffer } | { ok: false; why: string } {
  let fd: number;
  try {
    fd = openSync(file.path, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, why: 'the file is gone' };
    if (code === 'ELOOP' || code === 'EMLINK')
      return { ok: false, why: 'the file is now a symbolic link; it is not read' };
    return { ok: false, why: `the file cannot be read: ${(err as Error).message}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, why: 'the file is no longer a regular file; it is not read' };
    const changed = { ok: false, why: 'the file changed since it was recorded; it is not read' } as const;
    if (st.size !== file.size) return changed;
    const hash = createHash('sha256');
    const head = Buffer.alloc(Math.min(keep, file.size));
    const buf = Buffer.alloc(CHUNK);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, total);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      if (total < head.length) buf.copy(head, total, 0, Math.min(n, head.length - total));
      total += n;
      if (total > file.size) return changed;
    }
    if (total !== file.size || hash.digest('hex') !== file.sha256) return changed;
    return { ok: true, head };
  } catch (err) {
    return { ok: false, why: `the file cannot be read: ${(err as Error).message}` };
  } finally {
    closeSync(fd);
  }
}
