import type { DroppedAttempt, HeldAttempt, WorkerEvent } from '../../src-shared/contract/domains/workers.ts';
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
export const DEFAULT_WORKER_LEASE_MS = 30_000;

interface Lease {
  runId: string;
  taskId: string;
  attempt: number;
  agentId: string;
  workerId: string;
  expiresAt: number;
}

/**
 * Task leases of remote workers (`baton worker`). A task an agent of a worker took
 * (`agent.worker`) is leased to that worker from when this process first sees it in progress
 * (taken through `work.execute`, or found so when its run was resumed after a restart: a full
 * lease either way); the worker's heartbeats and reports renew it. Once it lapses the attempt is
 * given up as a restart gives one up — kept as `interrupted`, the task `ready` for a new attempt
 * — and the worker, if it comes back, is told to drop it (a heartbeat's `drop`, a report refused).
 *
 * Leases are kept in memory only: the store holds who has the task; a restart leases it afresh.
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
  private timer: NodeJS.Timeout | null = null;
  private readonly sweeps: BackgroundWork;

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
    this.sweeps = new BackgroundWork("sweeping workers' leases", rt.log);
  }

  /** Looks for lapsed leases every quarter lease from now on (until `stop`). */
  watch(): void {
    if (this.timer) return;
    // Nothing to watch keeps no process alive (the timer is unref'd).
    this.timer = this.sweeps.every(Math.max(100, Math.round(this.leaseMs / 4)), () => this.sweep());
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
    this.sweepSafely();
    return [...this.leases.values()]
      .filter((l) => l.workerId === workerId)
      .map((l) => ({
        run_id: l.runId,
        task_id: l.taskId,
        attempt: l.attempt,
        agent_id: l.agentId,
        expires_at: new Date(l.expiresAt).toISOString(),
      }));
  }

  /**
   * A heartbeat: the attempts the worker names as its own get a fresh lease; those that are no
   * longer its come back in `drop` with the reason. An attempt leased to it that it does not
   * name is not renewed (it lapses with its lease).
   */
  heartbeat(workerId: string, held: readonly HeldAttempt[]): DroppedAttempt[] {
    this.heard(workerId);
    this.sweepSafely();
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
   * when the attempt is no longer the worker's.
   */
  report(workerId: string, h: HeldAttempt, events: readonly WorkerEvent[]): string | null {
    this.heard(workerId);
    const why = this.renew(workerId, h);
    if (why !== null) return why;
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
      const found = this.find(workerId, h);
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

  /** Renews the lease of an attempt the worker holds; else why it is not the worker's. */
  private renew(workerId: string, h: HeldAttempt): string | null {
    const found = this.find(workerId, h);
    if (typeof found === 'string') return found;
    const key = keyOf(h.run_id, h.task_id);
    this.leases.set(key, {
      runId: h.run_id,
      taskId: h.task_id,
      attempt: h.attempt,
      agentId: found.task.agent_id!,
      workerId,
      expiresAt: this.rt.clock.now() + this.leaseMs,
    });
    return null;
  }

  /** The run and task of an attempt the worker holds, or why it does not hold it. */
  private find(workerId: string, h: HeldAttempt): { run: ActiveRun; task: TaskRun } | string {
    const run = this.rt.active.get(h.run_id);
    if (!run) return `run ${h.run_id} is not executing here (it ended, or another Baton took it over)`;
    const task = run.tasks.get(h.task_id);
    if (!task) return `run ${h.run_id} has no task ${h.task_id}`;
    if (task.attempt !== h.attempt) {
      return `attempt ${h.attempt} of ${h.task_id} was given up (its lease lapsed); the task is on attempt ${task.attempt} now`;
    }
    if (task.status !== 'in_progress') return `${h.task_id} is ${task.status}`;
    const agent = this.agents.of(task.agent_id);
    if (agent?.worker !== workerId)
      return `${h.task_id} is held by ${task.agent_id ?? 'nobody'}, not an agent of worker ${workerId}`;
    return { run, task };
  }

  /** A sweep a busy or full disk fails is logged (not thrown at a worker's call); the next tries again. */
  private sweepSafely(): void {
    this.sweeps.run(() => this.sweep());
  }

  /**
   * Leases every attempt a worker's agent holds that has none yet (just taken, or found after a
   * restart), forgets the leases of attempts that ended, and gives up those whose lease lapsed.
   */
  private sweep(): void {
    const now = this.rt.clock.now();
    const current = new Set<string>();
    const lapsed: { run: ActiveRun; task: TaskRun; lease: Lease }[] = [];
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
        if (!lease || lease.attempt !== task.attempt || lease.workerId !== workerId) {
          this.leases.set(key, {
            runId: run.id,
            taskId,
            attempt: task.attempt,
            agentId: task.agent_id!,
            workerId,
            expiresAt: now + this.leaseMs,
          });
        } else if (lease.expiresAt <= now) {
          lapsed.push({ run, task, lease });
        }
      }
    }
    for (const key of this.leases.keys()) if (!current.has(key)) this.leases.delete(key);
    for (const { run, task, lease } of lapsed) {
      this.leases.delete(keyOf(run.id, task.task_id));
      this.lapse(
        run,
        task,
        `worker ${lease.workerId} stopped answering (its lease of ${seconds(this.leaseMs)} lapsed); retried as a new attempt`,
      );
    }
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
      this.holds.release(run, task, false);
      this.writer.keepAttempt(task, 'interrupted', reason, this.rt.iso());
      this.writer.setStatus(run, task, 'ready', { reason });
      this.flow.enqueueOrGate(run, task);
    });
    this.leases.delete(keyOf(run.id, task.task_id));
    this.rt.schedule();
  }
}

function keyOf(runId: string, taskId: string): string {
  return `${runId}\u0000${taskId}`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
