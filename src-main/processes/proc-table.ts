import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

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

async function readStat(pid: number): Promise<ProcEntry | null> {
  try {
    return parseStat(pid, await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null; // ended between readdir and read
  }
}

/** Every process started at or after `minStart` (clock ticks since boot). */
export async function readProcTable(minStart: number): Promise<ProcEntry[]> {
  const names = await readdir('/proc');
  const entries = await Promise.all(
    names.filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57).map((n) => readStat(Number(n))),
  );
  return entries.filter((e): e is ProcEntry => e !== null && e.start >= minStart);
}

/**
 * Whether a process was started with `name=value` in its environment. /proc shows the
 * environment a program was exec'd with; the processes of other users cannot be read (false).
 */
export async function environHas(pid: number, variable: string): Promise<boolean> {
  try {
    // Entries are NUL-terminated: framed by NULs, the variable matches whole entries only.
    const env = Buffer.concat([NUL, await readFile(`/proc/${pid}/environ`), NUL]);
    return env.includes(`\0${variable}\0`);
  } catch {
    return false;
  }
}

const NUL = Buffer.from([0]);

/** The value of `name` in the environment a process was started with, or null (absent, gone, another user's). */
export async function environValue(pid: number, name: string): Promise<string | null> {
  try {
    const env = await readFile(`/proc/${pid}/environ`);
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
