import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathCovers } from '../../src-shared/schemas/sandbox.ts';
import type { Guarded } from './protected.ts';

/**
 * A read-only path that is not there yet (`.mcp.json` in a worktree, `~/.claude/settings.json`)
 * can only be kept from being made by a mount at its name: bubblewrap makes an empty file or
 * folder there, on the host, before the program starts (the library's stand-in), and the library
 * removes it only once no sandboxed program of the process runs any more. Baton removes them
 * sooner: when the last program whose writable folder holds them ends (so a task's commit never
 * meets one, nor does the person's own CLI meet an empty settings file after the attempt), and
 * after a Baton that was killed, whose stand-ins are listed in `baton-stand-ins-<pid>` in the
 * temp folder: `reapOrphanStandIns` removes them before a new sandbox session starts.
 * Only what is still empty is removed: what a person wrote there meanwhile stays.
 *
 * A folder's stand-in whose parent is there Baton makes itself, before the library plans the
 * program's sandbox, rather than leave it to bubblewrap: programs started together over one
 * folder (a best-of attempt's candidates on the person's own login share `~/.claude`) would
 * otherwise race. The library looks twice whether the path is there, and a bubblewrap of the
 * other program that made it between the two looks left a plan that puts a mount point inside
 * the read-only folder: bubblewrap refused to start ("Can't create file at
 * ~/.claude/commands/.baton-read-only: Read-only file system"). Made beforehand, the path is
 * there to both looks, and the library binds it read-only as it does one the person made.
 */
interface Folder {
  /** Programs running whose protected paths lie in it. */
  programs: number;
  /** The stand-ins made there: paths that were not there when a program was wrapped. */
  made: Set<string>;
}

const folders = new Map<string, Folder>();
const RECORD = 'baton-stand-ins-';

/**
 * Holds `guarded` for one program about to be wrapped, whose writable folders are `writable`:
 * makes the folder stand-ins whose parent is there (`makeFolder`) and notes the stand-ins the
 * library will make (each other absent path's first missing part, inside a writable folder).
 * Returns what to call once its process tree is gone.
 */
export function holdStandIns(guarded: readonly Guarded[], writable: readonly string[]): () => void {
  const mine = new Set<string>();
  for (const g of guarded) {
    const root = writable.find((w) => pathCovers(w, g.path));
    if (!root) continue;
    mine.add(root);
    const at = firstMissing(g.path, root);
    const f = folders.get(root) ?? { programs: 0, made: new Set<string>() };
    folders.set(root, f);
    if (at === null) continue;
    if (at === g.path && g.standIn === 'folder') makeFolder(at, root);
    f.made.add(at);
  }
  for (const root of mine) folders.get(root)!.programs++;
  record();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const root of mine) {
      const f = folders.get(root)!;
      if (--f.programs > 0) continue;
      folders.delete(root);
      removeEmpty(f.made);
    }
    record();
  };
}

/** The first part of `path` below `root` that is not there, or null when it is all there. */
function firstMissing(path: string, root: string): string | null {
  if (existsSync(path)) return null;
  let at = path;
  for (let up = dirname(at); up !== at && pathCovers(root, up) && !existsSync(up); up = dirname(up)) at = up;
  return at;
}

/**
 * Makes the empty folder `path` (its parent there) as bubblewrap would make its mount point, only
 * where every folder between `root` and it is a folder and no link: Baton's own mkdir never
 * reaches through a link a program planted. Where it cannot, the library makes its stand-in as
 * before.
 */
function makeFolder(path: string, root: string): void {
  try {
    for (let up = dirname(path); up !== root && pathCovers(root, up); up = dirname(up)) {
      const s = lstatSync(up);
      if (!s.isDirectory() || s.isSymbolicLink()) return;
    }
    mkdirSync(path, { mode: 0o755 });
  } catch {
    // made meanwhile (another program's bubblewrap), or not ours to make: the library decides
  }
}

/** Removes each stand-in that is still what bubblewrap made (an empty file, an empty folder), deepest first. */
function removeEmpty(paths: Iterable<string>): void {
  for (const p of [...paths].sort((a, b) => b.length - a.length)) {
    try {
      const s = lstatSync(p);
      if (s.isFile() && s.size === 0) unlinkSync(p);
      else if (s.isDirectory() && readdirSync(p).length === 0) rmdirSync(p);
    } catch {
      // gone already (the library's own sweep), or not ours to remove
    }
  }
}

/** This process's stand-ins, on disk, for the next Baton should this one be killed. */
function record(dir = tmpdir()): void {
  const file = join(dir, `${RECORD}${process.pid}`);
  const all = [...folders.values()].flatMap((f) => [...f.made]);
  try {
    if (all.length === 0) rmSync(file, { force: true });
    else writeFileSync(file, `${all.join('\n')}\n`, { mode: 0o600 });
  } catch {
    // the temp folder is not writable: nothing can be said for a next Baton
  }
}

/**
 * Removes the stand-ins of Batons that no longer run (still empty), and their lists; returns the
 * paths removed or gone.
 */
export function reapOrphanStandIns(dir = tmpdir(), alive: (pid: number) => boolean = processAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const name of names) {
    const m = /^baton-stand-ins-(\d+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    const file = join(dir, name);
    try {
      if (!lstatSync(file).isFile()) continue;
      const paths = readFileSync(file, 'utf8')
        .split('\n')
        .filter((p) => p.startsWith('/'));
      removeEmpty(paths);
      done.push(...paths.filter((p) => !existsSync(p)));
      rmSync(file, { force: true });
    } catch {
      // another user's, or gone meanwhile
    }
  }
  return done;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
