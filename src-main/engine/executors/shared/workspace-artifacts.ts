import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ExecutorEvent } from '../../executor.ts';

/** Baton's own folder inside a workspace (context.json); never reported as an artifact. */
export const BATON_DIR = '.baton';

const MAX_ARTIFACTS = 1_000;
const MAX_DEPTH = 32;

type ArtifactEvent = Extract<ExecutorEvent, { type: 'artifact' }>;

/**
 * Every regular file an agent left in its workspace, as `artifact` events in name order:
 * name relative to the workspace (always with `/`), absolute path, size and sha256.
 * Symbolic links are not followed. Stops early when `signal` aborts.
 */
export async function* workspaceArtifacts(
  workspace: string,
  signal: AbortSignal,
): AsyncGenerator<ArtifactEvent | Extract<ExecutorEvent, { type: 'log' }>> {
  const files = await listFiles(workspace);
  for (const path of files.slice(0, MAX_ARTIFACTS)) {
    if (signal.aborted) return;
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) continue;
    const hash = createHash('sha256');
    const ok = await pipeline(createReadStream(path, { signal }), hash).then(
      () => true,
      () => false,
    );
    if (!ok) continue;
    yield {
      type: 'artifact',
      name: relative(workspace, path).split(sep).join('/'),
      path,
      size: info.size,
      sha256: hash.digest('hex'),
    };
  }
  if (files.length > MAX_ARTIFACTS) {
    yield {
      type: 'log',
      stream: 'info',
      text: `${files.length - MAX_ARTIFACTS} more files in the workspace were not recorded as artifacts`,
    };
  }
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const path = join(dir, e.name);
      if (depth === 0 && e.name === BATON_DIR) continue;
      if (e.isDirectory()) await walk(path, depth + 1);
      else if (e.isFile()) out.push(path);
    }
  };
  await walk(root, 0);
  return out.sort();
}
