import { lstatSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where `baton worker` keeps its attempts' folders when not told (`--data-dir`): the user's own
 * cache folder (`$XDG_CACHE_HOME`, `~/Library/Caches`, `%LOCALAPPDATA%`), never a fixed name in
 * the shared temp folder, where another user of the machine could make it first, with a `tasks`
 * link in it to a folder of ours the worker's sweep then emptied.
 */
export function defaultWorkDir(id: string, env: NodeJS.ProcessEnv = process.env): string {
  const cache =
    process.platform === 'win32'
      ? (env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'))
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Caches')
        : env.XDG_CACHE_HOME?.startsWith('/')
          ? env.XDG_CACHE_HOME
          : join(homedir(), '.cache');
  return join(cache, 'baton', `worker-${id}`);
}

/**
 * Makes `dir` (and its parents) if need be, and says why not when it cannot be this user's own: a
 * link, not a folder, another user's, or writable by others (they could swap what is in it). Null
 * when it is fine. Ownership is not checked where the platform has no user ids (Windows).
 */
export function privateFolderProblem(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (st.isSymbolicLink()) return 'is a symbolic link; name the folder itself';
    if (!st.isDirectory()) return 'is not a folder';
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid)
      return `belongs to another user (uid ${st.uid}), not you (uid ${uid})`;
    if (uid !== undefined && (st.mode & 0o022) !== 0)
      return `others may write in it (mode ${(st.mode & 0o777).toString(8)}); \`chmod go-w\` it, or name another`;
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
