import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { BackgroundWork } from '../base/background.ts';
import { parentWatch } from './parent-watch.ts';
import type { ProcEntry } from './proc-table.ts';
import { environHas, environValue, hasProcTable, readProcTable, readStatSync } from './proc-table.ts';
import { TREE_MARKER } from './tree-marker.ts';

export { TREE_MARKER };

const isWindows = process.platform === 'win32';

/**
 * When a stopping tree is looked at again: soon at first (a program that just exited is most
 * often gone within a few ms: its last processes closing), then every 50 ms. How long SIGKILL
 * may take before Baton gives up.
 */
const POLL_MS = [1, 2, 5, 10, 20, 50] as const;
const KILL_WAIT_MS = 2_000;
/** The wait before the `n`th look again (0: the first). */
const pollMs = (n: number): number => POLL_MS[Math.min(n, POLL_MS.length - 1)]!;

export interface TreeOptions extends Omit<SpawnOptions, 'env' | 'detached' | 'shell'> {
  env: Record<string, string>;
  /** Between SIGTERM and SIGKILL. */
  graceMs: number;
  /** Who records the tree's parent links while it runs (default: one watcher for all trees). */
  watcher?: TreeWatcher;
  /** The marker's value (default: a random UUID, so no two trees share it). */
  id?: string;
}

/**
 * A program and every process it starts. Anything in Baton that runs a local program (an
 * attempt of a `command` agent, a coding agent's CLI) spawns it with `spawnTree` and calls
 * `stop()` when it is cancelled, times out, fails or exits: then nothing it started is left.
 * If the Baton process ends first, however it ends (SIGKILL too), its watcher process stops
 * what is left of every tree it had not stopped (parent-watch.ts).
 *
 * How members are found, on Linux (from /proc):
 * - the program's process group and session (it leads both), which every descendant shares
 *   unless it calls `setsid` or `setpgid`;
 * - the marker variable `BATON_ATTEMPT`, which descendants inherit even when they leave the
 *   group (`setsid`, daemons that fork twice), unless they clear their environment
 *   (`env -i`) or a program resets it;
 * - parent links: a process whose parent, group or session leader is a member is a member,
 *   and the watcher records these links while the tree runs (at 50, 200 and 500 ms, then
 *   every second), so a member stays known (by pid and start time) after its parent exits
 *   and it is re-parented.
 * A descendant that clears its environment, leaves the group, and whose parent exits before
 * the next record is not found.
 *
 * Elsewhere: macOS and other Unixes stop the process group only (descendants that call
 * `setsid` are not found); Windows ends the tree by parent links with `taskkill /T /F`,
 * which misses processes whose parent already exited.
 */
export interface ProcessTree {
  readonly child: ChildProcess;
  /**
   * Stops every process of the tree still running: SIGTERM, then SIGKILL to what is left
   * after `graceMs`; resolves once none is left (or SIGKILL could not end them). Calls while
   * one runs share it; a later call looks again.
   *
   * `leavesFirst`: SIGTERM reaches a process only once none of its children is left, so a
   * program that drives another (an ACP adapter and the CLI it runs) outlives it while it saves
   * and exits. In the OS sandbox this matters: once the sandbox's first program ends, the
   * kernel kills everything else in it at once. Linux only; elsewhere it is the plain stop.
   */
  stop(opts?: { leavesFirst?: boolean }): Promise<void>;
  /** Records who belongs to the tree now (the watcher calls it). */
  snapshot(): Promise<void>;
  /** The pids last known to belong to the tree. */
  known(): number[];
}

/** Spawns a program (never through a shell) as the leader of its own process group and session. */
export function spawnTree(command: string, args: string[], opts: TreeOptions): ProcessTree {
  const { graceMs, watcher = sharedWatcher, id = randomUUID(), env, ...spawnOpts } = opts;
  // The tree dies with this Baton process, however it ends (parent-watch.ts): told before the
  // program exists, so no moment is left in which Baton's death would leave it running; watched
  // until the leader exited and a `stop()` found nothing of the tree left, in either order.
  const watched = parentWatch.watch(id);
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      ...spawnOpts,
      env: { ...env, [TREE_MARKER]: id },
      shell: false,
      detached: !isWindows, // setsid(): the program leads a new session and process group
      windowsHide: true,
    });
  } catch (err) {
    watched.over();
    throw err;
  }
  const pid = child.pid;
  // Read at once: the program cannot have been reaped before this line runs.
  const leader = pid === undefined || !hasProcTable ? null : readStatSync(pid);
  const members = leader ? new Members(leader, `${TREE_MARKER}=${id}`) : null;
  let exited = false;
  let swept = false;
  const over = () => exited && swept && watched.over();
  if (pid === undefined)
    watched.over(); // never started
  else {
    watched.started(pid, leader?.start ?? null);
    child.once('exit', () => {
      exited = true;
      over();
    });
  }
  /** Never rejects: nothing a program does may end Baton. */
  const sweepAll = async (leaderPid: number, leavesFirst: boolean) => {
    if (members) {
      try {
        return await sweep(members, leaderPid, graceMs, leavesFirst);
      } catch {
        // /proc could not be read (out of file handles?): stop the group at least
      }
    }
    await sweepGroup(leaderPid, graceMs).catch(() => {});
  };
  let running: Promise<void> | null = null;
  const tree: ProcessTree = {
    child,
    stop(opts) {
      if (pid === undefined) return Promise.resolve();
      running ??= sweepAll(pid, opts?.leavesFirst === true).finally(() => {
        running = null;
        swept = true;
        over();
      });
      return running;
    },
    snapshot: async () => {
      if (members) await members.learn(await readProcTable(members.start));
    },
    known: () => (members ? [...members.known.keys()] : pid === undefined ? [] : [pid]),
  };
  if (members) {
    // Links matter while the program runs; once it exits, `stop()` takes over.
    watcher.add(members);
    child.once('exit', () => watcher.remove(members));
  }
  return tree;
}

/** What a watcher records: members found in a table of processes. */
interface Learner {
  /** The tree's start: older processes cannot belong to it. */
  readonly start: number;
  learn(table: ProcEntry[]): Promise<unknown>;
}

/** What Baton knows of one tree on Linux: members by pid and start time (pids are reused). */
class Members implements Learner {
  readonly known = new Map<number, number>();
  readonly start: number;
  private readonly leader: number;
  /** Processes whose environment was read and lacks the marker (`pid:start`). */
  private readonly unmarked = new Set<string>();
  private readonly marker: string;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(leader: ProcEntry, marker: string) {
    this.marker = marker;
    this.leader = leader.pid;
    this.start = leader.start;
    this.known.set(leader.pid, leader.start);
  }

  /** Adds the members found in `table` to what is known; returns those still running. */
  learn(table: ProcEntry[]): Promise<ProcEntry[]> {
    const next = this.lock.then(() => this.find(table));
    this.lock = next.catch(() => {});
    return next;
  }

  private async find(all: ProcEntry[]): Promise<ProcEntry[]> {
    // A member started after the leader did; older processes are never read further.
    const table = all.filter((e) => e.start >= this.start);
    const byPid = new Map(table.map((e) => [e.pid, e]));
    for (const [pid, start] of this.known) if (byPid.get(pid)?.start !== start) this.known.delete(pid);
    // The leader's pid names its group and session until both are gone; once another process
    // has that pid, they are, and the number names someone else's.
    const reused = all.some((e) => e.pid === this.leader && e.start !== this.start);
    const found = new Set<number>();
    for (const e of table) {
      const inLeaders = !reused && (e.pgid === this.leader || e.sid === this.leader);
      if (this.known.has(e.pid) || inLeaders) found.add(e.pid);
    }
    this.closeOver(table, found);
    let marked = false;
    for (const e of table) {
      const key = `${e.pid}:${e.start}`;
      if (found.has(e.pid) || e.zombie || this.unmarked.has(key)) continue;
      if (await environHas(e.pid, this.marker)) {
        found.add(e.pid);
        marked = true;
      } else {
        this.unmarked.add(key);
      }
    }
    if (marked) this.closeOver(table, found);
    const alive: ProcEntry[] = [];
    for (const pid of found) {
      const e = byPid.get(pid)!;
      this.known.set(pid, e.start);
      if (!e.zombie) alive.push(e);
    }
    return alive;
  }

  /** Adds every process whose parent, group leader or session leader is in `found`. */
  private closeOver(table: ProcEntry[], found: Set<number>): void {
    for (let grew = true; grew; ) {
      grew = false;
      for (const e of table) {
        if (found.has(e.pid)) continue;
        if (found.has(e.ppid) || found.has(e.pgid) || found.has(e.sid)) {
          found.add(e.pid);
          grew = true;
        }
      }
    }
  }
}

/**
 * Linux: SIGTERM to every member (with `leavesFirst`, to each once it has no member child left),
 * SIGKILL after `graceMs` to what is left, until none is.
 */
async function sweep(members: Members, leader: number, graceMs: number, leavesFirst: boolean): Promise<void> {
  const termed = new Set<string>();
  let groupTermed = false;
  const killAt = Date.now() + graceMs;
  for (let look = 0; ; look++) {
    const alive = await members.learn(await readProcTable(members.start));
    if (alive.length === 0) return;
    const now = Date.now();
    const signal = now < killAt ? 'SIGTERM' : 'SIGKILL';
    const parents = new Set(alive.map((e) => e.ppid));
    const told = signal === 'SIGKILL' || !leavesFirst ? alive : alive.filter((e) => !parents.has(e.pid));
    for (const e of told) {
      const key = `${e.pid}:${e.start}`;
      if (signal === 'SIGTERM' && termed.has(key)) continue;
      termed.add(key);
      signalPid(e.pid, signal);
    }
    // The group's signal also reaches a member forked since the table was read. Only while
    // the group is seen alive: once it is gone, its number may belong to another group. Leaves
    // first, only once the leader itself is told.
    const groupDue = !leavesFirst || signal === 'SIGKILL' || told.some((e) => e.pid === leader);
    if (groupDue && alive.some((e) => e.pgid === leader) && !(signal === 'SIGTERM' && groupTermed)) {
      signalGroup(leader, signal);
      groupTermed = true;
    }
    if (now > killAt + KILL_WAIT_MS) return; // another user's process, or stuck in the kernel
    await sleep(pollMs(look));
  }
}

/** Elsewhere: the process group (Windows: the tree by parent links, forcibly). */
async function sweepGroup(leader: number, graceMs: number): Promise<void> {
  if (isWindows) {
    spawn('taskkill', ['/PID', String(leader), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on(
      'error',
      () => {},
    );
    return;
  }
  if (!groupAlive(leader)) return;
  signalGroup(leader, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  for (let look = 0; groupAlive(leader) && Date.now() < deadline; look++) await sleep(pollMs(look));
  if (groupAlive(leader)) signalGroup(leader, 'SIGKILL');
}

/** Sends `signal` to the whole group led by `pid`; a group that is already gone is fine. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (isWindows) return;
  signalPid(-pid, signal);
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone; EPERM: not ours to stop (it changed user), left to the deadline
  }
}

/** Whether any process of the group led by `pid` is still alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Records who belongs to each running tree (one read of /proc for all of them), so that
 * parent links seen while a tree runs are still known once the parents are gone: soon after
 * each tree starts (`earlyMs`, when programs start their daemons), then every `everyMs`.
 */
export class TreeWatcher {
  private readonly trees = new Set<Learner>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly everyMs: number;
  private readonly earlyMs: readonly number[];
  private readonly looks = new BackgroundWork("recording agents' process trees");

  constructor(opts: { everyMs?: number; earlyMs?: readonly number[] } = {}) {
    this.everyMs = opts.everyMs ?? 1_000;
    this.earlyMs = opts.earlyMs ?? [50, 200, 500];
  }

  add(tree: Learner): void {
    this.trees.add(tree);
    // It only records: its timers never keep Baton running.
    for (const ms of this.earlyMs) this.looks.after(ms, () => this.tick());
    if (this.timer) return;
    this.timer = this.looks.every(this.everyMs, () => this.tick());
  }

  remove(tree: Learner): void {
    this.trees.delete(tree);
    if (this.trees.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (this.busy || this.trees.size === 0) return;
    this.busy = true;
    // /proc unreadable this time: logged (`looks`), and the next tick tries again.
    try {
      const trees = [...this.trees];
      const table = await readProcTable(Math.min(...trees.map((t) => t.start)));
      await Promise.all(trees.map((t) => t.learn(table)));
    } finally {
      this.busy = false;
    }
  }
}

const sharedWatcher = new TreeWatcher();

/**
 * Stops processes left by a Baton process that died (SIGKILL, a power cut): every process of
 * this user whose `BATON_ATTEMPT` marker `matches` (a tree spawned with a known `id`), with
 * SIGTERM, then SIGKILL after `graceMs`. Their parent is gone, so nothing else would stop them;
 * a coding agent's CLI must not go on editing a folder that a new attempt resumes in. Linux
 * only (elsewhere nothing is found). Resolves with how many were found.
 */
export async function stopMarkedTrees(
  matches: (marker: string) => boolean,
  graceMs: number,
): Promise<number> {
  if (!hasProcTable) return 0;
  const find = async () => {
    const found: ProcEntry[] = [];
    for (const e of await readProcTable(0)) {
      if (e.zombie || e.pid === process.pid) continue;
      const marker = await environValue(e.pid, TREE_MARKER);
      if (marker !== null && matches(marker)) found.push(e);
    }
    return found;
  };
  const termed = new Set<string>();
  const killAt = Date.now() + graceMs;
  for (;;) {
    const alive = await find();
    if (alive.length === 0) break;
    const now = Date.now();
    for (const e of alive) {
      const key = `${e.pid}:${e.start}`;
      if (now >= killAt) signalPid(e.pid, 'SIGKILL');
      else if (!termed.has(key)) signalPid(e.pid, 'SIGTERM');
      termed.add(key);
    }
    if (now > killAt + KILL_WAIT_MS) break; // stuck in the kernel: given up
    await sleep(pollMs(Number.POSITIVE_INFINITY)); // each look reads every process's environment
  }
  return termed.size;
}
