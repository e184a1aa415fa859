import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * The first executable file named `name` on `path` (a PATH value), or null: what `which` answers,
 * found in this process (no program started, nothing to time out). A relative folder on PATH is
 * passed over: it would name a folder under whatever this process's current one is (an agent's
 * worktree, say), and a `bwrap` found there would wrap the sandbox itself.
 */
export function findOnPath(name: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}
