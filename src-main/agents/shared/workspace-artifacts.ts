import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ExecutorEvent } from '../../engine/executor.ts';
import { ConfinedFolder, type OpenFolder } from '../../files/confined-folder.ts';

/** Baton's own folder inside a workspace (context.json); never reported as an artifact. */
export const BATON_DIR = '.baton';

const MAX_ARTIFACTS = 1_000;
const MAX_DEPTH = 32;
const CHUNK = 64 * 1024;

type ArtifactEvent = Extract<ExecutorEvent, { type: 'artifact' }>;

/**
 * Every regular file an agent left in its workspace, as `artifact` events in name order:
 * name relative to the workspace (always with `/`), absolute path, size and sha256.
 * Symbolic links are not followed, on the way or at the end (`ConfinedFolder`): each file is
 * hashed through the handle it was opened with, so a link swapped in meanwhile is not read.
 * Stops early when `signal` aborts.
 */
export async function* workspaceArtifacts(
  workspace: string,
  signal: AbortSignal,
): AsyncGenerator<ArtifactEvent | Extract<ExecutorEvent, { type: 'log' }>> {
  const folder = new ConfinedFolder(workspace);
  const files = await listFiles(folder);
  for (const rel of files.slice(0, MAX_ARTIFACTS)) {
    if (signal.aborted) return;
    const hashed = await hashFile(folder, rel, signal).catch(() => null);
    if (!hashed) continue;
    yield { type: 'artifact', name: rel, path: join(workspace, ...rel.split('/')), ...hashed };
  }
  if (files.length > MAX_ARTIFACTS) {
    yield {
      type: 'log',
      stream: 'info',
      text: `${files.length - MAX_ARTIFACTS} more files in the workspace were not recorded as artifacts`,
    };
  }
}

/** The size and sha256 of the bytes read from the file as opened (null: aborted). */
async function hashFile(
  folder: ConfinedFolder,
  rel: string,
  signal: AbortSignal,
): Promise<{ size: number; sha256: string } | null> {
  const { handle } = await folder.file(rel);
  try {
    const hash = createHash('sha256');
    const buf = Buffer.alloc(CHUNK);
    let size = 0;
    for (;;) {
      if (signal.aborted) return null;
      const { bytesRead } = await handle.read(buf, 0, CHUNK, size);
      if (bytesRead === 0) return { size, sha256: hash.digest('hex') };
      hash.update(buf.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** The regular files under the workspace (paths with `/`, sorted), not through any link. */
async function listFiles(folder: ConfinedFolder): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: OpenFolder, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    const entries = await dir.entries().catch(() => []);
    for (const e of entries) {
      if (depth === 0 && e.name === BATON_DIR) continue;
      if (e.isDirectory()) {
        const sub = await dir.folder(e.name).catch(() => null);
        if (!sub) continue;
        try {
          await walk(sub, depth + 1);
        } finally {
          await sub.close();
        }
      } else if (e.isFile()) out.push(dir.relOf(e.name));
    }
  };
  const root = await folder.folder('.').catch(() => null);
  if (!root) return out;
  try {
    await walk(root, 0);
  } finally {
    await root.close();
  }
  return out.sort();
}
