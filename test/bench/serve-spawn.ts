// Shared by the workers that start `baton serve` (its start-up, the host under load).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { engineEnv } from '../../src-main/base/engine-env.ts';
import { ENGINE_V8_FLAGS } from '../../src-main/cli/v8-flags.ts';

/** The `baton` command of the tree at `root`: `baton.js`, or `baton.ts` in a commit from before it. */
export function batonEntry(root: string): string {
  const js = join(root, 'src-main', 'cli', 'baton.js');
  return existsSync(js) ? js : join(root, 'src-main', 'cli', 'baton.ts');
}

/**
 * `baton serve` of the tree at `root` on a free port over `dataDir`, as Baton's CLI starts it
 * (the engine's V8 flags and environment) plus `nodeFlags`; its stdout and stderr piped.
 */
export function spawnServe(root: string, dataDir: string, nodeFlags: readonly string[]) {
  return spawn(
    process.execPath,
    [...ENGINE_V8_FLAGS, ...nodeFlags, batonEntry(root), 'serve', '--port', '0', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'], env: engineEnv(process.env) },
  );
}
