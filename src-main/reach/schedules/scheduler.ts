import type { Cron } from 'croner';
import { BackgroundWork } from '../../base/background.ts';
import type { ErrorLog } from '../../base/log-line.ts';
import type { Store } from '../../store/store.ts';
import { DutyLease } from '../duties/duty-lease.ts';
import { parseCron } from './cron.ts';
import { decideFires } from './fires.ts';
import type { StoredSchedule } from './repo.ts';
import { createSchedulesRepo } from './repo.ts';

export interface SchedulerOptions {
  store: Store;
  now: () => number;
  owner: string;
  /**
   * Starts a run of the plan with these inputs (`runs.start`: checks, then the engine), calling
   * `alongside` with the new run's id inside the transaction that stores the run: what it writes
   * commits with the run or not at all, and a throw from it leaves no run.
   */
  startRun: (
    planId: string,
    inputs: Record<string, unknown>,
    alongside: (runId: string) => void,
  ) => Promise<{ run_id: string }>;
  audit: (e: { entity_id: string; to: string; why: string; run_id?: string | null }) => void;
  /** How often schedules are looked at (1 s). */
  pollMs?: number;
  leaseTtlMs?: number;
  /** A fire older than this was missed (downtime) and is left to the catch-up policy (60 s). */
  graceMs?: number;
  /** Where a look that failed (a full disk) is told, once in a row (`BackgroundWork`); stderr by default. */
  log?: ErrorLog;
}

/** Thrown inside a run's transaction when its pending start was taken by another look. */
class StartTaken extends Error {}

const when = (ms: number, tz: string) =>
  `${new Date(ms).toISOString()}${tz === 'UTC' ? '' : ` (${new Date(ms).toLocaleString('sv', { timeZone: tz })} ${tz})`}`;

/**
 * Fires schedules: only in the process holding the `schedules` duty lease (the app or
 * `baton serve`), and each fire once: a look moves a schedule on with a compare-and-swap on its
 * stored state before it starts anything, so two processes (a lease taken over from one that
 * slept) cannot both start a fire. Every fire, skip and failure is an audit entry.
 */
export class Scheduler {
  readonly repo;
  private readonly lease: DutyLease;
  private readonly crons = new Map<string, { key: string; cron: Cron }>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly o: SchedulerOptions;
  private readonly looks: BackgroundWork;

  constructor(o: SchedulerOptions) {
    this.o = o;
    this.looks = new BackgroundWork('firing schedules', o.log);
    this.repo = createSchedulesRepo(o.store.db);
    this.lease = new DutyLease(o.store.db, 'schedules', o.owner, o.leaseTtlMs ?? 30_000);
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.wake(), this.o.pollMs ?? 1_000);
    this.timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.closed || this.running) return;
    this.running = this.step()
      .then(
        () => this.looks.succeeded(),
        (err: unknown) => {
          if (!this.closed) this.looks.failed(err);
        },
      )
      .finally(() => {
        this.running = null;
      });
  }

  /** One look: fires what is due (awaited; tests call it with their own clock). */
  async step(): Promise<void> {
    // No schedule: no lease taken, nothing written.
    if (this.closed || !this.repo.anyEnabled() || !this.lease.hold(this.o.now())) return;
    for (const s of this.repo.due(this.o.now())) {
      if (this.closed) return;
      await this.fire(s);
    }
  }

  private cronOf(s: StoredSchedule): Cron {
    const key = `${s.cron}\u0000${s.timezone}`;
    const known = this.crons.get(s.id);
    if (known?.key === key) return known.cron;
    const cron = parseCron(s.cron, s.timezone);
    this.crons.set(s.id, { key, cron });
    return cron;
  }

  /** Fires one schedule as it was read (`step` reads them; a read another process outdated starts nothing). */
  async fire(s: StoredSchedule): Promise<void> {
    const { store, now } = this.o;
    if (!s.enabled) {
      // Paused after a look decided its starts: those still start; nothing new is decided.
      if (s.pending_starts > 0) await this.startPending(s.id);
      return;
    }
    const at = now();
    const lastExecuting = s.last_run_id !== null && store.runs.get(s.last_run_id)?.status === 'executing';
    const d = decideFires(s, this.cronOf(s), at, lastExecuting, this.o.graceMs ?? 60_000);
    if (d.starts === 0 && d.due.length === 0 && d.queued === s.queued) {
      // Nothing new: starts left by a look that did not finish them (a process that died).
      if (s.pending_starts > 0) await this.startPending(s.id);
      return;
    }
    const moved = store.tx(() => {
      const ok = this.repo.advance({
        id: s.id,
        seen_next: s.next_fire_at,
        seen_queued: s.queued,
        next: d.next,
        queued: d.queued,
        starts: d.starts,
        fire_at: d.due.at(-1) ?? at,
      });
      if (!ok) return false;
      const audit = (to: string, why: string) => this.o.audit({ entity_id: s.id, to, why });
      if (d.missed > 0)
        audit(
          'missed',
          `${d.missed} fire(s) missed while Baton was not running, left out (catch-up ${s.catch_up})`,
        );
      if (d.overlapped > 0)
        audit(
          'skipped',
          `${d.overlapped} fire(s) skipped: run ${s.last_run_id} still executing (overlap ${s.overlap})`,
        );
      if (d.queued && !s.queued)
        audit('queued', `a fire waits for run ${s.last_run_id} to end (overlap queue_one)`);
      return true;
    });
    // Another process moved it first: the fire is theirs.
    if (!moved) return;
    await this.startPending(s.id);
  }

  /**
   * Starts the runs a look decided on and counted in `pending_starts`, each in the transaction
   * that takes it off the count: a process that dies before leaves it for the next look (after a
   * restart too), one that dies after has started it, and no run starts twice.
   */
  private async startPending(id: string): Promise<void> {
    for (;;) {
      const s = this.repo.get(id);
      if (!s || s.pending_starts <= 0 || this.closed) return;
      const fireTime = s.pending_fire_at ?? this.o.now();
      let taken = true;
      try {
        await this.o.startRun(s.plan_id, s.inputs, (run_id) => {
          taken = this.repo.takeStart(s.id, run_id);
          // Another look started it meanwhile: throwing leaves this run unstored.
          if (!taken) throw new StartTaken();
          this.o.audit({
            entity_id: s.id,
            to: 'fired',
            why: `fired for ${when(fireTime, s.timezone)}: run ${run_id} of plan "${s.plan_id}"`,
            run_id,
          });
        });
      } catch (err) {
        if (err instanceof StartTaken) return;
        const noted = this.o.store.tx(() => {
          if (!this.repo.takeStart(s.id, null)) return false;
          this.o.audit({
            entity_id: s.id,
            to: 'failed',
            why: `fire for ${when(fireTime, s.timezone)} could not start plan "${s.plan_id}": ${err instanceof Error ? err.message : String(err)}`,
          });
          return true;
        });
        if (!noted) return;
      }
    }
  }

  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      this.lease.letGo();
    } catch {
      // the store is already closed: the lease runs out by itself
    }
  }
}
