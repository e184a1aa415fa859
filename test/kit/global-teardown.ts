// After the whole suite: the sandbox library's socat bridges, the sandboxed programs' temp
// folders and the stand-ins of read-only paths of the Batons the tests killed on purpose (a crash, a dead owner, a worker stopped hard)
// go too, so a run leaves nothing running and nothing in the temp folder. So does the empty folder
// the sandbox library binds over a protected path whose parent is missing (`claude-empty-XXXXXX`,
// one per process, removed by its cleanup): a killed Baton leaves its own, which cannot be told
// from a live one's, so only those made while the suite ran go, and only when no other test run
// is on the machine (its live processes' folders would be among them: removing one races their
// next sandbox's bind, which then fails with bwrap's "Can't find source path").
import { lstatSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapOrphanBridges } from '../../src-main/sandbox/orphan-bridges.ts';
import { reapOrphanStandIns } from '../../src-main/sandbox/stand-ins.ts';
import { reapOrphanTempFolders } from '../../src-main/sandbox/temp-folders.ts';

let started = 0;

export function setup(): void {
  started = Date.now();
}

/** The library's empty mount sources made since `since` (empty, this user's): removed; how many. */
function removeEmptyMountSources(since: number, dir = tmpdir()): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!/^claude-empty-[A-Za-z0-9]{6}$/.test(name)) continue;
    try {
      const st = lstatSync(join(dir, name));
      if (!st.isDirectory() || st.uid !== process.getuid?.() || st.mtimeMs < since) continue;
      rmdirSync(join(dir, name)); // only an empty one
      removed++;
    } catch {
      // not empty, or gone meanwhile
    }
  }
  return removed;
}

/** A process's parent, from /proc (0 when it cannot be read). */
function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** Whether another vitest run (not this one, its workers or what started it, as `npx`) is on the machine. */
function anotherTestRun(): boolean {
  const ours = new Set<number>();
  for (let pid = process.pid; pid > 1 && !ours.has(pid); pid = parentOf(pid)) ours.add(pid);
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!/^\d+$/.test(name) || ours.has(pid)) continue;
    try {
      if (!readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('vitest')) continue;
    } catch {
      continue; // gone, or not ours to read
    }
    if (!ours.has(parentOf(pid))) return true;
  }
  return false;
}

export function teardown(): void {
  const reaped = reapOrphanBridges();
  if (reaped.length > 0)
    process.stdout.write(`\nended ${reaped.length} sandbox bridges left by killed Batons\n`);
  const removed = reapOrphanTempFolders();
  if (removed.length > 0)
    process.stdout.write(
      `removed ${removed.length} sandbox temp folders and proxy sockets left by killed Batons\n`,
    );
  // The folders they were in (worktrees, temp homes) are mostly gone by now: what is left goes.
  reapOrphanStandIns();
  if (started > 0 && process.platform === 'linux' && !anotherTestRun()) removeEmptyMountSources(started);
}
