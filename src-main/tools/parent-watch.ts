import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { TREE_MARKER } from '../processes/process-tree.ts';

/**
 * The watcher's program, run by this same Node (or Electron as Node) with `-e`: it holds the
 * trees Baton tells it of on its stdin (`+<pid> <marker>` when one starts, `-<pid>` when it ended)
 * and, when its stdin ends — Baton exited or was killed, even by SIGKILL, which leaves Baton no
 * chance to stop anything itself — stops what is left of each: every process carrying the tree's
 * marker (Linux: from /proc, so a process that left the group is found too), and its process
 * group; SIGTERM, then SIGKILL a second later. It ignores the terminal's signals (its own session)
 * so a Ctrl-C that ends Baton leaves it to clean up.
 */
const WATCHER = `
const fs = require('node:fs');
const trees = new Map();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => {
  buf += c;
  for (let i = buf.indexOf('\\n'); i >= 0; i = buf.indexOf('\\n')) {
    const [op, pid, marker] = buf.slice(0, i).split(' ');
    buf = buf.slice(i + 1);
    if (op === '+') trees.set(Number(pid), marker);
    else if (op === '-') trees.delete(Number(pid));
  }
});
const kill = (pid, sig) => { try { process.kill(pid, sig); } catch {} };
function sweep(sig) {
  if (trees.size === 0) return;
  const marks = [...trees.values()].map((m) => '${TREE_MARKER}=' + m);
  if (process.platform === 'linux') {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\\d+$/.test(name)) continue;
      let env;
      try { env = fs.readFileSync('/proc/' + name + '/environ', 'utf8').split('\\0'); } catch { continue; }
      if (marks.some((m) => env.includes(m))) kill(Number(name), sig);
    }
  }
  for (const pid of trees.keys()) kill(-pid, sig);
}
process.stdin.on('close', () => {
  sweep('SIGTERM');
  setTimeout(() => { sweep('SIGKILL'); process.exit(0); }, 1000);
});
`;

/**
 * Stops process trees (the workspace tools' `run_command`) when Baton dies without stopping them:
 * a small watcher process, started on the first tree and shared by all, whose stdin is a pipe
 * from Baton. The kernel closes the pipe however Baton ends, SIGKILL included, and the watcher
 * then stops every tree Baton had not said was over (`parent-watch` in src-main/tools/README.md).
 * Not on Windows, where trees are not process groups (their processes outlive a killed Baton).
 */
export interface ParentWatch {
  /** A tree (its leader's pid and its `BATON_ATTEMPT` marker) to stop if Baton dies while it runs. */
  watch(pid: number, marker: string): void;
  /** The tree ended: nothing to stop for it. */
  unwatch(pid: number): void;
  /** The watcher's pid, once it runs (for tests). */
  readonly pid: number | null;
}

export function createParentWatch(): ParentWatch {
  let watcher: ChildProcess | null = null;
  const send = (line: string) => {
    if (process.platform === 'win32') return;
    if (!watcher || watcher.exitCode !== null || !watcher.stdin?.writable) watcher = start();
    watcher?.stdin?.write(`${line}\n`);
  };
  return {
    watch: (pid, marker) => send(`+ ${pid} ${marker}`),
    unwatch: (pid) => {
      if (watcher) send(`- ${pid}`);
    },
    get pid() {
      return watcher?.pid ?? null;
    },
  };
}

function start(): ChildProcess | null {
  try {
    const child = spawn(process.execPath, ['-e', WATCHER], {
      // Electron runs as plain Node for this.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
      windowsHide: true,
    });
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    // Neither the watcher nor its pipe keeps Baton running.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  } catch {
    return null;
  }
}

/** The one watcher of this process. */
export const parentWatch = createParentWatch();
