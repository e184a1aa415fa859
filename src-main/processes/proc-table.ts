import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** One process as Linux's /proc/<pid>/stat describes it. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  /** Process group and session: `setsid` changes both, `setpgid` the group. */
  pgid: number;
  sid: number;
  /** Start time in clock ticks since boot: with the pid, it names one process (pids are reused). */
  start: number;
  /** Ended, only its exit status left for its parent to collect: dead for every purpose here. */
  zombie: boolean;
}

/** Whether this system has a Linux /proc to read processes from. */
export const hasProcTable = process.platform === 'linux' && existsSync('/proc/self/stat');

/** Reads a `stat` line; the command name may hold spaces and parentheses, so fields count from the last `)`. */
export function parseStat(pid: number, text: string): ProcEntry | null {
  const close = text.lastIndexOf(')');
  if (close === -1) return null;
  const f = text.slice(close + 2).split(' ');
  const start = Number(f[19]);
  if (f.length < 20 || !Number.isFinite(start)) return null;
  return {
    pid,
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    start,
    zombie: f[0] === 'Z' || f[0] === 'X',
  };
}

/** One process now, or null when it is gone (or unreadable). */
export function readStatSync(pid: number): ProcEntry | null {
  try {
    return parseStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * `stat` files read between two turns of the event loop. /proc lives in memory: a synchronous
 * read costs only the CPU (microseconds), while an asynchronous one waits on the thread pool
 * four times (open, stat, read, close). On the 2-core bench machine under load a table of ~150
 * processes took 70–840 ms read asynchronously and 9–150 ms read synchronously (a coding
 * attempt reads it when its CLI exits, before the attempt can end). Slices keep a long table
 * (a desktop runs hundreds of processes) from holding the event loop for long.
 */
const STATS_PER_TURN = 256;

/** Every process started at or after `minStart` (clock ticks since boot). */
export async function readProcTable(minStart: number): Promise<ProcEntry[]> {
  const names = readdirSync('/proc');
  const table: ProcEntry[] = [];
  let read = 0;
  for (const n of names) {
    if (n.charCodeAt(0) < 48 || n.charCodeAt(0) > 57) continue;
    if (++read % STATS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    // null: it ended between readdir and read
    const e = readStatSync(Number(n));
    if (e !== null && e.start >= minStart) table.push(e);
  }
  return table;
}

/**
 * Whether a process was started with `name=value` in its environment. /proc shows the
 * environment a program was exec'd with; the processes of other users cannot be read (false).
 * Read synchronously, as the table is (`STATS_PER_TURN`): the file is in memory.
 */
export async function environHas(pid: number, variable: string): Promise<boolean> {
  try {
    // Entries are NUL-terminated: framed by NULs, the variable matches whole entries only.
    const env = Buffer.concat([NUL, readFileSync(`/proc/${pid}/environ`), NUL]);
    return env.includes(`\0${variable}\0`);
  } catch {
    return false;
  }
}

const NUL = Buffer.from([0]);

/** The value of `name` in the environment a process was started with, or null (absent, gone, another user's). */
export async function environValue(pid: number, name: string): Promise<string | null> {
  try {
    const env = readFileSync(`/proc/${pid}/environ`);
    const key = Buffer.from(`${name}=`);
    for (let start = 0; start < env.length; ) {
      let end = env.indexOf(0, start);
      if (end === -1) end = env.length;
      if (end - start >= key.length && env.subarray(start, start + key.length).equals(key))
        return env.subarray(start + key.length, end).toString('utf8');
      start = end + 1;
    }
    return null;
  } catch {
    return null;
  }
}
