import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The private temp folder each sandboxed program gets (its `TMPDIR`, writable inside the sandbox)
 * is named for the Baton process that made it: `baton-tmp-<pid>-XXXXXX` in the system's temp
 * folder. The program's end removes it; a Baton that is killed (SIGKILL, a crash) cannot, and
 * `reapOrphanTempFolders` removes those whose Baton is gone, before a new sandbox session starts
 * and after the test suite. So it does with the Unix socket of the sandbox library's network
 * proxy (`srt-mux-<pid>-<n>.sock`, mux-proxy.js), which the library unlinks when its session ends
 * or its process exits, never when the process is killed, and with the folder of its Linux write
 * monitor's socket (`srt-obs-XXXXXX/s<hex>.sock`, linux-violation-monitor.js), which names no pid:
 * its owner is alive while something listens on that socket (`/proc/net/unix`).
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

/** The write monitor's socket folder (no pid in its name: `mkdtemp`'s six characters). */
const MONITOR = /^srt-obs-[A-Za-z0-9]{6}$/;
/** A monitor folder with no socket in it yet is its owner's for a moment only (made, then listened on at once). */
const UNBOUND_FOR_MS = 10 * 60_000;

/**
 * Removes the temp folders (and the sandbox library's proxy sockets and monitor folders) of
 * Batons that no longer run; returns the names removed. `listening`: the Unix socket paths that
 * something listens on now (Linux's `/proc/net/unix`; null when it cannot be read: no monitor
 * folder is removed then).
 */
export function reapOrphanTempFolders(
  dir = tmpdir(),
  alive: (pid: number) => boolean = processAlive,
  listening: () => ReadonlySet<string> | null = listeningSockets,
): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  let heard: ReadonlySet<string> | null | undefined;
  for (const name of names) {
    if (MONITOR.test(name)) {
      heard ??= listening();
      if (heard !== null && orphanMonitor(join(dir, name), heard)) {
        rmSync(join(dir, name), { recursive: true, force: true });
        removed.push(name);
      }
      continue;
    }
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

/**
 * Whether a write monitor's folder is left by a process that is gone: its socket is there and
 * nothing listens on it (a live monitor's is listened on), or it holds no socket and is older
 * than any folder being set up. Anything else in it (not the library's) leaves it alone.
 */
function orphanMonitor(folder: string, listening: ReadonlySet<string>): boolean {
  try {
    const inside = readdirSync(folder);
    if (inside.length === 0) return Date.now() - lstatSync(folder).mtimeMs > UNBOUND_FOR_MS;
    return inside.every(
      (n) =>
        /^s[0-9a-f]+\.sock$/.test(n) &&
        lstatSync(join(folder, n)).isSocket() &&
        !listening.has(join(folder, n)),
    );
  } catch {
    return false;
  }
}

/**
 * The Unix socket paths something listens on (`/proc/net/unix`: flags with `__SO_ACCEPTCON`,
 * 0x10000), or null where that cannot be read (not Linux).
 */
export function listeningSockets(table = '/proc/net/unix'): ReadonlySet<string> | null {
  let text: string;
  try {
    text = readFileSync(table, 'utf8');
  } catch {
    return null;
  }
  const found = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const flags = Number.parseInt(f[3] ?? '', 16);
    if (f.length >= 8 && (flags & 0x10000) !== 0) found.add(f.slice(7).join(' '));
  }
  return found;
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
