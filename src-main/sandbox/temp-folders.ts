import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The private temp folder each sandboxed program gets (its `TMPDIR`, writable inside the sandbox)
 * is named for the Baton process that made it: `baton-tmp-<pid>-XXXXXX` in the system's temp
 * folder. The program's end removes it; a Baton that is killed (SIGKILL, a crash) cannot, and
 * `reapOrphanTempFolders` removes those whose Baton is gone, before a new sandbox session starts
 * and after the test suite. So it does with the Unix socket of the sandbox library's network
 * proxy (`srt-mux-<pid>-<n>.sock`, mux-proxy.js), which the library unlinks when its session ends
 * or its process exits, never when the process is killed.
 */
const PREFIX = 'baton-tmp-';

/** A new private temp folder for one sandboxed program of this Baton. */
export function makeTempFolder(dir = tmpdir()): string {
  return mkdtempSync(join(dir, `${PREFIX}${process.pid}-`));
}

/** What a process leaves in the temp folder, named for its pid: our folders, the library's sockets. */
const LEFT = [
  { re: /^baton-tmp-(\d+)-[^/]+$/, socket: false },
  { re: /^srt-mux-(\d+)-[0-9a-z]+\.sock$/, socket: true },
];

/**
 * Removes the temp folders (and the sandbox library's proxy sockets) of Batons that no longer
 * run; returns the names removed.
 */
export function reapOrphanTempFolders(
  dir = tmpdir(),
  alive: (pid: number) => boolean = processAlive,
): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const kind = LEFT.find((k) => k.re.test(name));
    if (!kind) continue;
    const pid = Number(kind.re.exec(name)![1]);
    if (pid === process.pid || alive(pid)) continue;
    try {
      // A socket name on something else (a file someone made) is left alone.
      if (kind.socket && !lstatSync(join(dir, name)).isSocket()) continue;
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // not ours to remove (another user's), or gone meanwhile
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
