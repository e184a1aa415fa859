import type { DroppedAttempt, HeldAttempt, WorkerEvent } from '../../src-shared/contract/domains/workers.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { BackgroundWork } from '../base/background.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { RunHolds } from './run-holds.ts';
import type { RunLoader } from './run-loader.ts';
import type { ActiveRun } from './run-state.ts';
import { stopFlight } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';
import type { TaskFlow } from './task-flow.ts';

/** How long a worker's hold on a task lasts without a heartbeat, unless the app is given another. */
export const DEFAULT_WORKER_LEASE_MS = 8_000;
/** A worker beats this many times per lease: its lease lapses after that many missed beats. */
const BEATS_PER_LEASE = 4;

/**
 * Bytes a worker's reports of one attempt brought so far, by what they became: log lines and
 * progress, steps, and spend (usage steps and notes). The workers' handlers hold each report to
 * the attempt's caps with it (`src-main/workers/report-caps.ts`). It lives with the attempt's
 * lease, so it goes when the attempt does.
 */
export interface ReportTally {
  log: number;
  steps: number;
  usage: number;
}

/** Holds a report's events to what the attempt may still store, counting them in its tally. */
export type ReportCap = (
  events: readonly WorkerEvent[],
  agent: Agent | undefined,
  tally: ReportTally,
) => readonly WorkerEvent[];

interface Lease {
  runId: string;
  taskId: string;
  attempt: number;
  agentId: string;
  workerId: string;
  expiresAt: number;
  /**
   * The lease's number, handed to the worker with the task: with the attempt, its fencing token.
   * Null for a lease this process found rather than gave (after a restart, or a task taken
   * through the pull API before it was leased): the first heartbeat naming a number fixes it.
   */
  lease: number | null;
  tally: ReportTally;
}

/**
 * Task leases of remote workers (`baton worker`). A task an agent of a worker took
 * (`agent.worker`) is leased to that worker: numbered when it is handed out (`grant`: a claim, or
 * `work.execute` for a worker's agent), or found so when its run was resumed after a restart (a
 * full lease either way). The worker's heartbeats (every quarter lease) and reports renew it; a
 * heartbeat or result under another number than the lease's, or for an attempt given up, is
 * refused. Once a lease lapses (four beats missed), or the worker closed its connection (`left`),
 * the attempt is given up as a restart gives one up — kept as `interrupted`, the task `ready` for
 * a new attempt — and the worker, if it comes back, is told to drop it.
 *
 * Leases are kept in memory only: the store holds who has the task; a restart leases it afresh.
 * A process whose registry has no worker's agent looks at nothing but an empty map.
 */
export class WorkerLeases {
  private readonly rt: Runtime;
  private readonly agents: AgentDirectory;
  private readonly holds: RunHolds;
  private readonly writer: RunWriter;
  private readonly flow: TaskFlow;
  private readonly loader: RunLoader;
  readonly leaseMs: number;
  private readonly leases = new Map<string, Lease>();
  /** When each worker was last heard from (ms since the epoch). */
  private readonly seen = new Map<string, number>();
  /** The last lease number given: numbers rise from this process's start time, so a restart gives new ones. */
  private lastLease: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly sweeps: BackgroundWork;
  /** How often lapsed leases are looked for, and (`scanEveryMs`) tasks held by workers that have no lease yet. */
  private readonly checkMs: number;
  private readonly scanEveryMs: number;
  private nextScan = 0;
  /** When the timer last ran (`performance.now()`): a late run means this process was stalled. */
  private lastCheck = 0;

  constructor(
    rt: Runtime,
    parts: { agents: AgentDirectory; holds: RunHolds; writer: RunWriter; flow: TaskFlow; loader: RunLoader },
    leaseMs: number,
  ) {
    this.rt = rt;
    this.agents = parts.agents;
    this.holds = parts.holds;
    this.writer = parts.writer;
    this.flow = parts.flow;
    this.loader = parts.loader;
    this.leaseMs = leaseMs;
    this.checkMs = Math.min(500, Math.max(50, Math.round(leaseMs / 16)));
    this.scanEveryMs = Math.max(100, Math.round(leaseMs / 4));
    this.lastLease = rt.clock.now();
    this.sweeps = new BackgroundWork("sweeping workers' leases", rt.log);
  }

  /** How often a worker beats: four beats to a lease. */
  get beatMs(): number {
    return Math.max(100, Math.round(this.leaseMs / BEATS_PER_LEASE));
  }

  /** Looks for lapsed leases every `checkMs` from now on (until `stop`). */
  watch(): void {
    if (this.timer) return;
    this.lastCheck = performance.now();
    // Nothing to watch keeps no process alive (the timer is unref'd).
    this.timer = this.sweeps.every(this.checkMs, () => {
      const at = performance.now();
      // This process was stalled (a long synchronous job, a suspended VM): nobody was heard
      // meanwhile, through no fault of the workers. The time it lost does not count against them.
      const lost = at - this.lastCheck - this.checkMs;
      this.lastCheck = at;
      if (lost > this.checkMs) for (const l of this.leases.values()) l.expiresAt += lost;
      this.sweep();
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The worker was heard from. */
  heard(workerId: string): void {
    this.seen.set(workerId, this.rt.clock.now());
  }

  /** When the worker was last heard from (since this process started), or null. */
  lastSeen(workerId: string): number | null {
    return this.seen.get(workerId) ?? null;
  }

  /** Whether the worker was heard from within a lease. */
  alive(workerId: string): boolean {
    const at = this.seen.get(workerId);
    return at !== undefined && at + this.leaseMs > this.rt.clock.now();
  }

  /** The leases held by a worker (after bringing them up to date). */
  leasesOf(workerId: string): (HeldAttempt & { agent_id: string; expires_at: string })[] {
    this.sweepSafely(true);
    return [...this.leases.values()]
      .filter((l) => l.workerId === workerId)
      .map((l) => ({
        run_id: l.runId,
        task_id: l.taskId,
        attempt: l.attempt,
        ...(l.lease === null ? {} : { lease: l.lease }),
        agent_id: l.agentId,
        expires_at: new Date(l.expiresAt).toISOString(),
      }));
  }

  /** A new lease of the task's current attempt to the worker (it took the task now): its number. */
  grant(workerId: string, run: ActiveRun, task: TaskRun): number {
    this.lastLease = Math.max(this.lastLease + 1, this.rt.clock.now());
    const key = keyOf(run.id, task.task_id);
    const before = this.leases.get(key);
    this.leases.set(key, {
      runId: run.id,
      taskId: task.task_id,
      attempt: task.attempt,
      agentId: task.agent_id!,
      workerId,
      expiresAt: this.rt.clock.now() + this.leaseMs,
      lease: this.lastLease,
      // The same attempt renumbered keeps what its reports stored: its caps are the attempt's.
      tally: before?.attempt === task.attempt ? before.tally : freshTally(),
    });
    return this.lastLease;
  }

  /**
   * The number of the worker's lease on the attempt it took through the pull API (`work.execute`
   * for a worker's agent, asked again for a task it holds): the lease it has, or a new one.
   */
  leaseFor(workerId: string, runId: string, taskId: string, attempt: number): number | undefined {
    const lease = this.leases.get(keyOf(runId, taskId));
    if (lease && lease.attempt === attempt && lease.workerId === workerId && lease.lease !== null)
      return lease.lease;
    const run = this.rt.active.get(runId);
    const task = run?.tasks.get(taskId);
    if (!run || task?.attempt !== attempt || task.status !== 'in_progress') return undefined;
    return this.grant(workerId, run, task);
  }

  /**
   * A heartbeat: the attempts the worker names as its own get a fresh lease; those that are no
   * longer its come back in `drop` with the reason. An attempt leased to it that it does not
   * name is not renewed (it lapses with its lease).
   */
  heartbeat(workerId: string, held: readonly HeldAttempt[]): DroppedAttempt[] {
    this.heard(workerId);
    this.sweepSafely(false);
    const drop: DroppedAttempt[] = [];
    for (const h of held) {
      const why = this.renew(workerId, h);
      if (why !== null) drop.push({ ...h, reason: why });
    }
    return drop;
  }

  /**
   * What a worker reports of an attempt it holds: queued as that attempt's notes (stored in the
   * next tick, as an executor's are), and its lease renewed. Refused with the reason to drop it
   * when the attempt is no longer the worker's. `cap` holds the events to what the attempt may
   * still store (the events of an attempt refused are not counted).
   */
  report(workerId: string, h: HeldAttempt, events: readonly WorkerEvent[], cap?: ReportCap): string | null {
    this.heard(workerId);
    const why = this.renew(workerId, h);
    if (why !== null) return why;
    const lease = this.leases.get(keyOf(h.run_id, h.task_id));
    if (cap && lease) events = cap(events, this.agents.of(lease.agentId), lease.tally);
    for (const event of events)
      this.rt.inbox.push({
        kind: 'executor.note',
        runId: h.run_id,
        taskId: h.task_id,
        attempt: h.attempt,
        event,
      });
    if (events.length > 0) this.rt.schedule();
    return null;
  }

  /** The worker stops and gives these attempts back: each is queued again at once as a new attempt. */
  giveBack(workerId: string, held: readonly HeldAttempt[]): HeldAttempt[] {
    this.heard(workerId);
    const requeued: HeldAttempt[] = [];
    for (const h of held) {
      const found = this.fence(workerId, h);
      if (typeof found === 'string') continue;
      this.lapse(
        found.run,
        found.task,
        `worker ${workerId} stopped and gave it back; retried as a new attempt`,
      );
      requeued.push(h);
    }
    return requeued;
  }

  /**
   * The worker closed its connection cleanly (it stopped): every attempt leased to it is queued
   * again at once as a new attempt, without waiting for its lease to lapse. Answers how many.
   */
  left(workerId: string): number {
    this.sweepSafely(true);
    let requeued = 0;
    for (const l of [...this.leases.values()]) {
      if (l.workerId !== workerId) continue;
      const run = this.rt.active.get(l.runId);
      const task = run?.tasks.get(l.taskId);
      if (!run || !task || task.attempt !== l.attempt) continue;
      this.lapse(run, task, `worker ${workerId} closed its connection; retried as a new attempt`);
      requeued++;
    }
    return requeued;
  }

  /**
   * The fence of a result: the run and task when the worker holds this attempt under this lease,
   * else why not (nothing is renewed). The attempt's lease ends with it (`release`).
   */
  fence(workerId: string, h: HeldAttempt): { run: ActiveRun; task: TaskRun } | string {
    const found = this.held(workerId, h);
    if (typeof found === 'string') return found;
    const lease = this.leases.get(keyOf(h.run_id, h.task_id));
    return (lease && this.staleNumber(lease, h)) ?? found;
  }

  /** The attempt ended (its result taken): its lease goes. */
  release(h: HeldAttempt): void {
    const key = keyOf(h.run_id, h.task_id);
    if (this.leases.get(key)?.attempt === h.attempt) this.leases.delete(key);
  }

  /**
   * For a report or completion through the pull API that names a lease: why it is not the
   * attempt's lease now, or null (no lease of that attempt here, or the same number).
   */
  staleLease(h: HeldAttempt): string | null {
    const lease = this.leases.get(keyOf(h.run_id, h.task_id));
    return lease ? this.staleNumber(lease, h) : null;
  }

  private staleNumber(lease: Lease, h: HeldAttempt): string | null {
    if (
      h.lease === undefined ||
      lease.attempt !== h.attempt ||
      lease.lease === null ||
      lease.lease === h.lease
    )
      return null;
    return `lease ${h.lease} of attempt ${h.attempt} of ${h.task_id} was given away; the attempt is held under lease ${lease.lease}`;
  }

  /** Renews the lease of an attempt the worker holds; else why it is not the worker's. */
  private renew(workerId: string, h: HeldAttempt): string | null {
    const found = this.held(workerId, h);
    if (typeof found === 'string') return found;
    const key = keyOf(h.run_id, h.task_id);
    const lease = this.leases.get(key);
    const now = this.rt.clock.now();
    if (lease && lease.attempt === h.attempt && lease.workerId === workerId) {
      const stale = this.staleNumber(lease, h);
      if (stale !== null) return stale;
      // A lease found after a restart takes the number its holder names.
      if (lease.lease === null && h.lease !== undefined) lease.lease = h.lease;
      lease.expiresAt = now + this.leaseMs;
      return null;
    }
    this.leases.set(key, {
      runId: h.run_id,
      taskId: h.task_id,
      attempt: h.attempt,
      agentId: found.task.agent_id!,
      workerId,
      expiresAt: now + this.leaseMs,
      lease: h.lease ?? null,
      tally: freshTally(),
    });
    return null;
  }

  /** The run and task of an attempt the worker holds, or why it does not hold it. */
  private held(workerId: string, h: HeldAttempt): { run: ActiveRun; task: TaskRun } | string {
    const run = this.rt.active.get(h.run_id);
    if (!run) return `run ${h.run_id} is not executing here (it ended, or another Baton took it over)`;
    const task = run.tasks.get(h.task_id);
    if (!task) return `run ${h.run_id} has no task ${h.task_id}`;
    if (task.attempt !== h.attempt) {
      return `attempt ${h.attempt} of ${h.task_id} was given up (its lease lapsed); the task is on attempt ${task.attempt} now`;
    }
    if (task.status !== 'in_progress') return `attempt ${h.attempt} of ${h.task_id} ended (${task.status})`;
    const agent = this.agents.of(task.agent_id);
    if (agent?.worker !== workerId)
      return `${h.task_id} is held by ${task.agent_id ?? 'nobody'}, not an agent of worker ${workerId}`;
    return { run, task };
  }

  /** A sweep a busy or full disk fails is logged (not thrown at a worker's call); the next tries again. */
  private sweepSafely(scan: boolean): void {
    this.sweeps.run(() => this.sweep(scan));
  }

  /**
   * Gives up the attempts whose lease lapsed. Now and then (`scan`: every quarter lease, or when
   * asked) also leases every attempt a worker's agent holds that has none yet (found after a
   * restart), and forgets the leases of attempts that ended. Without a worker's agent in the
   * registry and no lease, there is nothing to look at.
   */
  private sweep(scan = false): void {
    const now = this.rt.clock.now();
    if (this.leases.size === 0 && !this.agents.hasWorkerAgents()) return;
    if (scan || now >= this.nextScan) this.scan(now);
    const lapsed: Lease[] = [];
    for (const lease of this.leases.values()) if (lease.expiresAt <= now) lapsed.push(lease);
    for (const lease of lapsed) {
      this.leases.delete(keyOf(lease.runId, lease.taskId));
      const run = this.rt.active.get(lease.runId);
      const task = run?.tasks.get(lease.taskId);
      if (!run || run.lost || task?.status !== 'in_progress' || task.attempt !== lease.attempt) continue;
      this.lapse(
        run,
        task,
        `worker ${lease.workerId} stopped answering (its lease of ${seconds(this.leaseMs)} lapsed); retried as a new attempt`,
      );
    }
  }

  private scan(now: number): void {
    this.nextScan = now + this.scanEveryMs;
    const current = new Set<string>();
    for (const run of this.rt.active.values()) {
      if (run.lost) continue;
      for (const taskId of run.inflight.keys()) {
        const task = run.tasks.get(taskId);
        if (task?.status !== 'in_progress') continue;
        const workerId = this.agents.of(task.agent_id)?.worker;
        if (workerId === undefined) continue;
        const key = keyOf(run.id, taskId);
        current.add(key);
        const lease = this.leases.get(key);
        if (!lease || lease.attempt !== task.attempt || lease.workerId !== workerId)
          this.leases.set(key, {
            runId: run.id,
            taskId,
            attempt: task.attempt,
            agentId: task.agent_id!,
            workerId,
            expiresAt: now + this.leaseMs,
            lease: null,
            tally: freshTally(),
          });
      }
    }
    for (const key of this.leases.keys()) if (!current.has(key)) this.leases.delete(key);
  }

  /**
   * Gives up the attempt as a restart does: kept as `interrupted`, the task `ready` again (or
   * gated) for a new attempt, its agent's place and its cost in flight let go.
   */
  private lapse(run: ActiveRun, task: TaskRun, reason: string): void {
    this.loader.tx(() => {
      if (task.status !== 'in_progress') return;
      const flight = run.inflight.get(task.task_id);
      if (flight) stopFlight(flight, reason);
      run.inflight.delete(task.task_id);
      this.holds.release(run, task);
      this.writer.keepAttempt(task, 'interrupted', reason, this.rt.iso());
      this.writer.setStatus(run, task, 'ready', { reason });
      this.flow.enqueueOrGate(run, task);
    });
    this.leases.delete(keyOf(run.id, task.task_id));
    this.rt.schedule();
  }
}

function freshTally(): ReportTally {
  return { log: 0, steps: 0, usage: 0 };
}

function keyOf(runId: string, taskId: string): string {
  return `${runId}\u0000${taskId}`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
