import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The private temp folder each sandboxed program gets (its `TMPDIR`, writable inside the sandbox)
 * is named for the Baton process that made it: `baton-tmp-<pid>-XXXXXX` in the system's temp
 * folder. The program's end removes it; a Baton that is killed (SIGKILL, a crash) cannot, and
 * `reapOrphanTempFolders` removes those whose Baton is gone, before a new sandbox session starts
 * and after the test suite.
 */
const PREFIX = 'baton-tmp-';

/** A new private temp folder for one sandboxed program of this Baton. */
export function makeTempFolder(dir = tmpdir()): string {
  return mkdtempSync(join(dir, `${PREFIX}${process.pid}-`));
}

/** Removes the temp folders of Batons that no longer run; returns the folders removed. */
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
    const m = /^baton-tmp-(\d+)-[^/]+$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    try {
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
