// A throwaway PostgreSQL cluster for the DBOS peer: `initdb` in a temp dir, started with `pg_ctl`,
// listening only on a Unix socket inside that dir (no TCP port to collide with anything), stopped
// and removed afterwards. Settings are PostgreSQL's defaults (fsync and synchronous_commit on), as
// `apt-get install postgresql` gives them. initdb refuses to run as root, so as root the cluster
// belongs to the `postgres` user the Debian package creates.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How to get PostgreSQL when it is missing: the one line the bench prints when it skips DBOS. */
export const PG_HINT =
  'install PostgreSQL (Debian/Ubuntu: `sudo apt-get install -y postgresql`) or set DBOS_SYSTEM_DATABASE_URL to a server';

export interface PgCluster {
  /** Connection string for a database on this server (DBOS creates its database on launch). */
  url(database: string): string;
  /** The postmaster's process id: the server's CPU time is read from its process tree. */
  pid: number;
  stop(): void;
}

/** The directory holding initdb and pg_ctl: Debian's versioned layout first, then PATH. */
function pgBinDir(): string | null {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const initdb = which.stdout.trim();
  return which.status === 0 && initdb ? join(initdb, '..') : null;
}

interface Runner {
  /** Runs a PostgreSQL program as the cluster's owner. */
  run(bin: string, args: string[]): { ok: boolean; out: string };
  uid: number | null;
  gid: number | null;
}

function runner(): Runner | string {
  const plain = (bin: string, args: string[]) => {
    const r = spawnSync(bin, args, { encoding: 'utf8' });
    return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}` };
  };
  if (process.getuid?.() !== 0) return { run: plain, uid: null, gid: null };
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0)
    return 'running as root and there is no `postgres` user to own the cluster';
  return { run: (bin, args) => plain('runuser', ['-u', 'postgres', '--', bin, ...args]), uid, gid };
}

/** Starts a cluster, or returns why it cannot (missing binaries, initdb or start failed). */
export function startPgCluster(): PgCluster | string {
  const bin = pgBinDir();
  if (!bin) return `PostgreSQL not found; ${PG_HINT}`;
  const as = runner();
  if (typeof as === 'string') return as;
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-pg-'));
  if (as.uid !== null && as.gid !== null) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  const fail = (what: string, out: string) => {
    rmSync(dir, { recursive: true, force: true });
    return `${what} failed: ${out.trim().split('\n').slice(-2).join(' | ')}`;
  };
  // --no-sync only skips flushing initdb's own files; the running server keeps fsync on.
  const init = as.run(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'bench',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  if (!init.ok) return fail('initdb', init.out);
  const start = as.run(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-o',
    `-k ${dir} -c listen_addresses= -p 5432`,
    'start',
  ]);
  if (!start.ok) return fail('pg_ctl start', start.out);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    as.run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  // Whatever ends this process (a thrown error, Ctrl-C through process.exit) stops the server.
  process.once('exit', stop);
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const url = (database: string) =>
    `postgresql://bench@localhost/${database}?host=${encodeURIComponent(dir)}`;
  return { url, pid, stop };
}

/** utime, stime, cutime, cstime of a process, in clock ticks, and its parent's id (Linux /proc). */
function procTimes(pid: string): { ticks: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) the server has used so far, in ms: the postmaster, its live
 * children (backends, WAL writer, checkpointer …) and, through the postmaster's cutime and
 * cstime, the backends it has already reaped. Null where /proc is not there (not Linux).
 */
export function serverCpuMs(postmasterPid: number): number | null {
  const root = procTimes(String(postmasterPid));
  if (!root) return null;
  let ticks = root.ticks;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = procTimes(entry);
    if (p?.ppid === postmasterPid) ticks += p.ticks;
  }
  // Linux reports /proc times in USER_HZ, 100 per second on every architecture Node runs on.
  return ticks * 10;
}
