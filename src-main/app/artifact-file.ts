import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, open } from 'node:fs/promises';
import { sep } from 'node:path';
import type { Artifact } from '../../src-shared/schemas/run.ts';
import { AppError } from '../base/errors.ts';

const CHUNK = 64 * 1024;

/** Why an artifact's file is not sent: one of these, in `details.reason`. */
export type ArtifactRefusal = 'symlink' | 'not_a_file' | 'changed';

/**
 * Reads an artifact's file as it was recorded, or refuses. An attempt's workspace belongs to
 * its agent, which can swap the file for a symbolic link (to the user's keys, say) or rewrite
 * it after it was recorded: so no symbolic link is followed, from the workspace down to the
 * file, the file is opened without following one and checked through that same open handle,
 * and its size and sha256 must be the recorded ones. What is sent is only ever bytes that hash
 * to the recorded sha256. Returns at most `limit` bytes from `offset` on (the hash covers the
 * whole file); `truncated` when the file goes on past them.
 */
export async function readArtifactFile(
  artifact: Artifact,
  limit: number,
  offset = 0,
): Promise<{ head: Buffer; truncated: boolean }> {
  await refuseLinkedFolders(artifact);
  let file: FileHandle;
  try {
    // O_NONBLOCK: a FIFO put there must not hold the open (and a thread of the pool) forever.
    file = await open(
      artifact.path,
      constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0),
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw refused(artifact, 'symlink', 'is now a symbolic link');
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new AppError('not_found', `the file of artifact ${artifact.id} (${artifact.name}) is gone`);
    throw err;
  }
  try {
    const st = await file.stat();
    if (!st.isFile()) throw refused(artifact, 'not_a_file', 'is no longer a regular file');
    if (st.size !== artifact.size)
      throw refused(
        artifact,
        'changed',
        `changed since it was recorded (${st.size} bytes, was ${artifact.size})`,
      );
    const hash = createHash('sha256');
    const from = Math.min(offset, artifact.size);
    const head = Buffer.alloc(Math.min(limit, artifact.size - from));
    const buf = Buffer.alloc(CHUNK);
    let total = 0;
    // Read to the end of what is there now: a file that grew since the stat is a changed one too.
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, CHUNK, total);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      hash.update(chunk);
      // The part of this chunk inside [from, from + head.length), copied to its place in head.
      const start = Math.max(from, total);
      const end = Math.min(from + head.length, total + bytesRead);
      if (start < end) chunk.copy(head, start - from, start - total, end - total);
      total += bytesRead;
      if (total > artifact.size) break;
    }
    if (total !== artifact.size || hash.digest('hex') !== artifact.sha256)
      throw refused(artifact, 'changed', 'changed since it was recorded (its sha256 differs)');
    return { head, truncated: from + head.length < artifact.size };
  } finally {
    await file.close();
  }
}

/**
 * Refuses a symbolic link among the folders between the attempt's workspace and the file (the
 * workspace itself included): an artifact's path is its workspace joined with its name.
 */
async function refuseLinkedFolders(artifact: Artifact): Promise<void> {
  const name = artifact.name.split('/').join(sep);
  if (!artifact.path.endsWith(`${sep}${name}`)) return;
  const workspace = artifact.path.slice(0, -name.length - 1);
  const parts = name.split(sep).slice(0, -1);
  let dir = workspace;
  for (let i = 0; ; i++) {
    const st = await lstat(dir).catch(() => null);
    if (st?.isSymbolicLink())
      throw refused(artifact, 'symlink', `is now reached through a symbolic link (${dir})`);
    if (i >= parts.length) return;
    dir = `${dir}${sep}${parts[i]}`;
  }
}

function refused(artifact: Artifact, reason: ArtifactRefusal, what: string): AppError {
  return new AppError(
    'conflict',
    `the file of artifact ${artifact.id} (${artifact.name}) ${what}; it is not sent`,
    { artifact_id: artifact.id, reason },
  );
}
