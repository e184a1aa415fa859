import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { TREE_MARKER } from './tree-marker.ts';

/** Between the watcher's SIGTERM and its SIGKILL; then how long it goes on looking before it gives up. */
const GRACE_MS = 1_000;
const GIVE_UP_MS = 3_000;
const POLL_MS = 100;

/** What the watcher's command line holds after its program, so `ps` (and tests) can tell it: `baton-parent-watch <Baton's pid>`. */
export const WATCHER_TITLE = 'baton-parent-watch';

/**
 * The watcher's program, run by this same Node (or Electron as Node) with `-e`. It holds the
 * trees Baton tells it of on its stdin, as JSON lines, each tree by a number of its own:
 * `["+", n, marker]` just before its program is spawned, `["=", n, pid, start]` once it runs
 * (the leader's pid and its start time from /proc, or null), `["-", n]` once it is over. When
 * its stdin ends — Baton exited or was killed, even by SIGKILL, which leaves Baton no chance to
 * stop anything itself — it stops what is left of each: SIGTERM, then SIGKILL after GRACE_MS to
 * what is left, until nothing is (or GIVE_UP_MS more: another user's process, one stuck in the
 * kernel); then it exits, at once when nothing was left. On Linux it looks in /proc for the
 * processes that carry a tree's marker (so one that left the group is found too) or belong to
 * its leader's process group, started since the leader (pids are reused), unless another
 * process now has the leader's pid (then the number names another group); it signals each, and
 * the group. Zombies count as gone. Elsewhere it signals the process groups. It ignores the
 * terminal's signals and leads its own session, so neither a Ctrl-C nor a signal to Baton's
 * process group ends it with Baton.
 */
const WATCHER = `
const fs = require('node:fs');
const linux = process.platform === 'linux';
const trees = new Map();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('error', () => {});
process.stdin.on('data', (c) => {
  buf += c;
  for (let i = buf.indexOf('\\n'); i >= 0; i = buf.indexOf('\\n')) {
    let m;
    try { m = JSON.parse(buf.slice(0, i)); } catch { m = []; }
    buf = buf.slice(i + 1);
    if (m[0] === '+') trees.set(m[1], { mark: ${JSON.stringify(TREE_MARKER)} + '=' + m[2], pid: null, start: null });
    else if (m[0] === '=' && trees.has(m[1])) Object.assign(trees.get(m[1]), { pid: m[2], start: m[3] ?? null });
    else if (m[0] === '-') trees.delete(m[1]);
  }
});
const signal = (pid, sig) => { try { process.kill(pid, sig); return true; } catch { return false; } };
function table() {
  const all = [];
  let names = [];
  try { names = fs.readdirSync('/proc'); } catch {}
  for (const name of names) {
    if (!/^\\d+$/.test(name) || Number(name) === process.pid) continue;
    let stat;
    try { stat = fs.readFileSync('/proc/' + name + '/stat', 'utf8'); } catch { continue; }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    all.push({ pid: Number(name), dead: f[0] === 'Z' || f[0] === 'X', pgid: Number(f[2]), start: Number(f[19]) });
  }
  return all;
}
function left() {
  const leaders = new Map();
  for (const t of trees.values()) if (t.pid !== null) leaders.set(t.pid, t);
  if (!linux) return { pids: [], groups: [...leaders.keys()].filter((pid) => signal(-pid, 0)) };
  const all = table();
  // Started since the tree's leader (null: not known).
  const since = (e, t) => t.start === null || e.start >= t.start;
  const reused = new Set();
  for (const e of all) {
    const t = leaders.get(e.pid);
    if (t && t.start !== null && e.start !== t.start) reused.add(e.pid);
  }
  const pids = [];
  const groups = new Set();
  for (const e of all) {
    if (e.dead) continue;
    const t = leaders.get(e.pgid);
    if (t && !reused.has(e.pgid) && since(e, t)) {
      pids.push(e.pid);
      groups.add(e.pgid);
      continue;
    }
    const marks = [...trees.values()].filter((t) => since(e, t)).map((t) => t.mark);
    if (marks.length === 0) continue;
    let env;
    try { env = fs.readFileSync('/proc/' + e.pid + '/environ', 'utf8').split('\\0'); } catch { continue; }
    if (marks.some((m) => env.includes(m))) pids.push(e.pid);
  }
  return { pids, groups: [...groups] };
}
function sweep(sig) {
  const { pids, groups } = left();
  for (const pid of pids) signal(pid, sig);
  for (const pid of groups) signal(-pid, sig);
  return pids.length + groups.length;
}
process.stdin.on('close', () => {
  const start = Date.now();
  if (trees.size === 0 || sweep('SIGTERM') === 0) process.exit(0);
  const look = () => {
    const since = Date.now() - start;
    if (sweep(since >= ${GRACE_MS} ? 'SIGKILL' : 0) === 0 || since > ${GRACE_MS + GIVE_UP_MS}) process.exit(0);
    setTimeout(look, ${POLL_MS});
  };
  setTimeout(look, ${POLL_MS});
});
`;

/**
 * Stops process trees when the Baton process that started them dies without stopping them: a
 * small watcher process, started with the first tree and shared by all the trees of this
 * process, whose stdin is a pipe from Baton. The kernel closes the pipe however Baton ends,
 * SIGKILL, a crash and the OOM killer included, and the watcher then stops every tree Baton had
 * not said was over, and exits; after a normal exit it finds none and exits at once.
 * `spawnTree` tells it of every tree, so no program Baton starts for an agent outlives it (see
 * src-main/processes/README.md). Not on Windows, where trees are not process groups.
 */
export interface ParentWatch {
  /**
   * A tree about to be spawned, by its `BATON_ATTEMPT` marker: from now on, Baton's death stops
   * whatever carries the marker; once it runs, its process group too.
   */
  watch(marker: string): WatchedTree;
  /** The watcher's pid, once it runs. */
  readonly pid: number | null;
}

export interface WatchedTree {
  /** Its leader runs: the pid and its start time (/proc's clock ticks since boot; null where unknown). */
  started(pid: number, start: number | null): void;
  /** It is over (or never started): nothing to stop for it. */
  over(): void;
}

type Message = ['+', number, string] | ['=', number, number, number | null] | ['-', number];

export function createParentWatch(): ParentWatch {
  /** What the watcher must know: told again to a new one if it was killed meanwhile. */
  const trees = new Map<number, { marker: string; pid: number | null; start: number | null }>();
  let next = 0;
  let watcher: ChildProcess | null = null;
  const running = (w: ChildProcess | null): w is ChildProcess =>
    w !== null && w.exitCode === null && w.signalCode === null && w.stdin?.writable === true;
  const tell = (message: Message) => {
    if (running(watcher)) return void watcher.stdin!.write(`${JSON.stringify(message)}\n`);
    if (trees.size === 0) return;
    watcher = launch();
    if (!watcher) return;
    let lines = '';
    for (const [n, t] of trees) {
      lines += `${JSON.stringify(['+', n, t.marker])}\n`;
      if (t.pid !== null) lines += `${JSON.stringify(['=', n, t.pid, t.start])}\n`;
    }
    watcher.stdin!.write(lines);
  };
  const none: WatchedTree = { started: () => {}, over: () => {} };
  return {
    watch(marker) {
      if (process.platform === 'win32') return none;
      const n = next++;
      trees.set(n, { marker, pid: null, start: null });
      tell(['+', n, marker]);
      return {
        started(pid, start) {
          const t = trees.get(n);
          if (!t) return;
          Object.assign(t, { pid, start });
          tell(['=', n, pid, start]);
        },
        over() {
          if (trees.delete(n)) tell(['-', n]);
        },
      };
    },
    get pid() {
      return watcher?.pid ?? null;
    },
  };
}

function launch(): ChildProcess | null {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' }; // Electron runs as plain Node
  delete env.NODE_OPTIONS; // the program is plain JavaScript: no loader or inspector of Baton's
  try {
    const child = spawn(process.execPath, ['-e', WATCHER, WATCHER_TITLE, String(process.pid)], {
      env,
      cwd: '/',
      stdio: ['pipe', 'ignore', 'ignore'],
      // Its own session and process group: a signal to Baton's group does not reach it.
      detached: true,
      windowsHide: true,
    });
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    // Neither the watcher nor its pipe keeps Baton running.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return child.pid === undefined ? null : child;
  } catch {
    return null;
  }
}

/** The one watcher of this process. */
export const parentWatch = createParentWatch();
