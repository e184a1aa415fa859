import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { BackgroundWork } from '../base/background.ts';
import type { Store } from '../store/store.ts';
import { randomIds } from './clock.ts';
import type { RunHolds } from './run-holds.ts';
import type { ActiveRun } from './run-state.ts';
import { activeRunOf } from './run-state.ts';
import type { Runtime } from './runtime.ts';

/**
 * Run leases: each run is executed by one process, which renews its lease every ttl/3 while
 * the run is active here. A run whose lease is free or ran out, or is held by a dead process on
 * this machine, can be taken over; a process that watches (`watchOrphans`) looks for such runs
 * at each renewal and takes them up.
 */
export class RunLeases {
  private readonly rt: Runtime;
  private readonly store: Store;
  private readonly owner: string;
  private readonly ttlMs: number;
  /** Gives up a run another process took over (`RunHolds.lose`): stop touching it. */
  private readonly holds: RunHolds;
  private timer: NodeJS.Timeout | null = null;
  /** When the leases were last renewed (0: not yet). */
  private renewedAt = 0;
  /** The database's `data_version` when the leases were last read in a write transaction. */
  private seenVersion = -1;
  /** The database's `data_version` at the last renewal on the timer. */
  private timerVersion = -1;
  /** Takes up the runs found orphaned at a renewal (`watchOrphans`); null: this process does not look. */
  private takeUp: ((runIds: string[]) => void) | null = null;
  /** The renewals on the timer: one that fails (a busy or full disk) is logged, and the next tries again. */
  private readonly renewals: BackgroundWork;

  constructor(rt: Runtime, holds: RunHolds) {
    this.rt = rt;
    this.renewals = new BackgroundWork('renewing run leases', rt.log);
    this.store = rt.store;
    this.owner = rt.config.owner;
    this.ttlMs = rt.config.leaseTtlMs;
    this.holds = holds;
  }

  /** Takes the lease of an unfinished run if it is free or its holder died; false if not. */
  claim(runId: string): boolean {
    if (this.store.runs.takeLease(runId, this.owner, this.rt.clock.now(), this.ttlMs)) return true;
    // A process on this machine that died (crash, SIGKILL) cannot renew its lease: take it now.
    const holder = this.store.runs.leaseOwner(runId);
    if (!holder || !isDeadLocalOwner(holder)) return false;
    return this.store.runs.stealLease(runId, holder, this.owner, this.rt.clock.now(), this.ttlMs);
  }

  /** Renews the leases of active runs from now on (once started, it goes on until `stop`). */
  keepRenewing(): void {
    if (this.timer) return;
    this.timer = this.renewals.every(Math.max(1_000, this.ttlMs / 3), () => this.onTimer());
  }

  /**
   * From now on, at each renewal (every ttl/3), hands `takeUp` the unfinished runs no live
   * process executes (`orphans`), to claim and resume: a run whose process died or hung goes on
   * here within a lease and a renewal, not at this process's next restart.
   */
  watchOrphans(takeUp: (runIds: string[]) => void): void {
    this.takeUp = takeUp;
    this.keepRenewing();
  }

  /**
   * Unfinished runs not active here whose lease is free or ran out, or whose holder is a process
   * on this machine that died (`isDeadLocalOwner`). A claim decides: another process may take
   * one first.
   */
  orphans(): string[] {
    const now = this.rt.clock.now();
    const dead = new Map<string, boolean>();
    const found: string[] = [];
    for (const lease of this.store.runs.unfinishedLeases()) {
      if (this.rt.active.has(lease.id)) continue;
      const owner = lease.lease_owner;
      if (owner === null || (lease.lease_expires_at !== null && lease.lease_expires_at < now)) {
        found.push(lease.id);
        continue;
      }
      if (owner === this.owner) continue;
      let gone = dead.get(owner);
      if (gone === undefined) {
        gone = isDeadLocalOwner(owner);
        dead.set(owner, gone);
      }
      if (gone) found.push(lease.id);
    }
    return found;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.takeUp = null;
  }

  /** A busy or full disk fails it: the next renewal tries again (a lease lost meanwhile is fenced). */
  private onTimer(): void {
    this.renew();
    // Another process committed since the last renewal: it may have changed an agent (one added,
    // one back ONLINE) that a task here waits for. A tick matches what waits again (each write
    // transaction reads the agents again when another connection committed).
    const version = this.store.dataVersion();
    if (version !== this.timerVersion) {
      this.timerVersion = version;
      if (this.rt.active.size > 0) this.rt.schedule();
    }
    if (!this.takeUp) return;
    const orphans = this.orphans();
    if (orphans.length > 0) this.takeUp(orphans);
  }

  /**
   * A run this process executes, looked up after `ensureFresh`: one another process took over
   * meanwhile is refused (`takenOver`) before anything is written or acknowledged for it.
   */
  activeRun(runId: string): ActiveRun {
    this.ensureFresh();
    return activeRunOf(this.rt.active, this.store, runId);
  }

  /**
   * Renews now when the last renewal is more than half a lease old. Called before each write:
   * a process that was suspended (a laptop asleep, SIGSTOP) past its leases may wake to find a
   * run taken over, and must learn it before it writes to that run, not at its next renewal.
   * Renewed less than half a lease ago, every lease here still has half a lease to run.
   */
  ensureFresh(): void {
    if (this.rt.active.size > 0 && this.rt.clock.now() - this.renewedAt > this.ttlMs / 2) this.renew();
  }

  /**
   * Called first inside each write transaction, while this process holds the database's write
   * lock: no other process can take a lease until it commits, so a run found still ours here
   * stays ours until this transaction ends. One another process took over since (even in the
   * instant between `ensureFresh` and the transaction) is given up before anything is written
   * to it. The leases are read only when another connection has committed since they were last
   * read (`PRAGMA data_version`): a lone process pays one pragma per transaction.
   */
  fence(): void {
    if (this.rt.active.size === 0) return;
    const version = this.store.dataVersion();
    if (version === this.seenVersion) return;
    this.seenVersion = version;
    for (const run of [...this.rt.active.values()]) {
      if (this.store.runs.leaseOwner(run.id) !== this.owner) this.holds.lose(run);
    }
  }

  private renew(): void {
    this.renewedAt = this.rt.clock.now();
    for (const run of [...this.rt.active.values()]) {
      if (!this.store.runs.takeLease(run.id, this.owner, this.rt.clock.now(), this.ttlMs))
        this.holds.lose(run);
    }
  }
}

/** A lease owner naming this process: `host:pid:id`. */
export function localOwner(): string {
  return `${hostname()}:${process.pid}:${randomIds.next('engine')}`;
}

/**
 * Lease owners are `host:pid:id` (`localOwner`); true when that is this host and the pid no
 * longer runs, or is a zombie: a process that ended (a SIGKILL, a crash) and whose parent has
 * not reaped it yet. `kill(pid, 0)` succeeds on a zombie, but it holds nothing and will never
 * renew a lease.
 */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  return isZombie(Number(pid));
}

/**
 * On Linux, the state in `/proc/<pid>/stat`: `Z` (zombie) or `X` (dead). Elsewhere there is no
 * cheap way to tell: a zombie counts as alive there until its lease runs out.
 */
export function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false; // gone since `kill` found it: the next look says ESRCH
  }
  // `pid (comm) S …`: the name may hold spaces and parentheses, so the state follows the last ')'.
  const state = stat.charAt(stat.lastIndexOf(')') + 2);
  return state === 'Z' || state === 'X';
}
