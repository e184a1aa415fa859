import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * On Linux the sandbox library bridges each session's proxies into the sandbox with `socat`
 * processes (`UNIX-LISTEN:/tmp/claude-http-<id>.sock`, `…/claude-socks-<id>.sock`), children of
 * the process that started the session. A Baton that is killed (SIGKILL, a crash) cannot end them,
 * and they outlive it, adopted by init. `reapOrphanBridges` ends such orphans: bridges whose parent
 * is init (pid 1, or a `systemd`/`init` subreaper). A live Baton's bridges have that Baton as
 * their parent and are left alone. A session's sandbox (`bwrap`) adopted by init goes too, with
 * the relays inside it. Returns the pids it signalled.
 */
export function reapOrphanBridges(
  proc = '/proc',
  kill: (pid: number) => void = (pid) => process.kill(pid, 'SIGTERM'),
): number[] {
  if (process.platform !== 'linux' && proc === '/proc') return [];
  let entries: string[];
  try {
    entries = readdirSync(proc);
  } catch {
    return [];
  }
  const reaped: number[] = [];
  const end = (pid: number) => {
    try {
      kill(pid);
      reaped.push(pid);
    } catch {
      // gone meanwhile, or not ours to signal
    }
  };
  // Each process's parent, and the orphan sandboxes among them.
  const parents = new Map<number, number>();
  const sandboxes = new Set<number>();
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(read(join(proc, name, 'stat')));
    if (ppid === null) continue;
    parents.set(Number(name), ppid);
    const argv = read(join(proc, name, 'cmdline'))?.split('\0') ?? [];
    if (!isBridge(argv) && !isSessionSandbox(argv)) continue;
    if (!adoptedByInit(proc, ppid)) continue;
    if (isBridge(argv)) end(Number(name));
    else sandboxes.add(Number(name));
  }
  // A sandbox whose starter was killed while it ran (Baton's git in a worktree, at a SIGKILL):
  // its command was stopped with it, but the relays inside it (`socat TCP6-LISTEN:3128 …`) lived
  // on, and kept the sandbox waiting for them for good. They go, then the sandbox.
  for (const [pid, ppid] of parents) if (sandboxes.has(ppid)) end(pid);
  for (const pid of sandboxes) end(pid);
  return reaped;
}

/** A `bwrap` the sandbox library started for a session: it binds that session's proxy socket in. */
function isSessionSandbox(argv: string[]): boolean {
  return (argv[0]?.split('/').at(-1) ?? '') === 'bwrap' && argv.some((a) => SESSION_SOCKET.test(a));
}

const SESSION_SOCKET = /^\/tmp\/claude-(?:http|socks)-[0-9a-f]+\.sock$/;

const BRIDGE = /^UNIX-LISTEN:.*\/claude-(?:http|socks)-[0-9a-f]+\.sock/;

function isBridge(argv: string[]): boolean {
  return (argv[0]?.split('/').at(-1) ?? '') === 'socat' && argv.some((a) => BRIDGE.test(a));
}

/** The parent pid from `/proc/<pid>/stat` (the field after the parenthesised command name). */
function parentOf(stat: string | null): number | null {
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

function adoptedByInit(proc: string, ppid: number): boolean {
  if (ppid === 1) return true;
  const comm = read(join(proc, String(ppid), 'comm'))?.trim();
  return comm === 'systemd' || comm === 'init';
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
