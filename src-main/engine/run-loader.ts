import type { Plan } from '../../src-shared/schemas/plan.ts';
import type { Run } from '../../src-shared/schemas/run.ts';
import { BackgroundWork } from '../base/background.ts';
import type { RunLeases } from './leases.ts';
import type { RunHolds } from './run-holds.ts';
import { withRunInputs } from './run-inputs.ts';
import type { ActiveRun } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';

/** What loading a stored run asks of `TaskFlow`: to make it active again (its class gives it). */
export interface RunActivation {
  activate(plan: Plan, from: { stored: Run; lastSeen: number | null }): ActiveRun;
}

/** How long a run given up after failed writes waits before it is taken up again. */
const RESUME_RETRY_MS = 30_000;

/**
 * Loads runs from the store into this process: unfinished runs whose lease is free (at start,
 * and orphans found at each lease renewal), the one run a person acts on (`runHere`), and the
 * runs a failed write changed, which are taken down and resumed as after a restart. The API's
 * and the loop's write transactions go through `tx`, so a failed one is reloaded.
 */
export class RunLoader {
  private readonly rt: Runtime;
  private readonly writer: RunWriter;
  private readonly flow: RunActivation;
  private readonly holds: RunHolds;
  private readonly leases: RunLeases;
  private reloading = false;
  /** Runs given up after failed writes, waiting to be taken up again (`retryResume`). */
  private readonly resumeRetries = new Set<string>();
  /** Resuming runs on its own (after a failed write, an orphan found): a failure is logged, once in a row. */
  private readonly resuming: BackgroundWork;

  constructor(
    rt: Runtime,
    parts: { writer: RunWriter; flow: RunActivation; holds: RunHolds; leases: RunLeases },
  ) {
    this.rt = rt;
    this.writer = parts.writer;
    this.flow = parts.flow;
    this.holds = parts.holds;
    this.leases = parts.leases;
    this.resuming = new BackgroundWork('resuming a run', rt.log);
    // Ticks the store's writer could not write (a full disk, a run another process took): their
    // runs are reloaded from the store, as after a transaction that failed here.
    rt.store.onWriterFailed((runIds, err) => {
      rt.log(err, "the engine's writes");
      if (rt.closed) return;
      this.reload(runIds);
      rt.schedule();
    });
  }

  /**
   * One write transaction (`RunWriter.tx`). One that fails (a full disk) has changed memory
   * already: the runs it touched are reloaded from the store (`reload`) before the error goes
   * on up, so memory never stays ahead of what is stored.
   */
  tx<T>(fn: () => T): T {
    return this.writer.tx(fn, this.reload);
  }

  /** A tick's transaction: as `tx`, its writes behind the engine (`Store.txBehind`). */
  txBehind(fn: () => void): void {
    this.writer.tx(fn, this.reload, true);
  }

  /**
   * After a write that failed (and rolled back) changed these runs in memory: each is taken
   * down and resumed from the store, as after a restart, keeping whoever waits for it. If the
   * store fails again, the run stays down and is tried again 30 s later (`retryResume`).
   */
  private readonly reload = (runIds: string[]): void => {
    // Resuming writes too: if that fails, its own rollback must not reload again (and again).
    if (this.reloading) return;
    this.reloading = true;
    const active = this.rt.active;
    try {
      for (const runId of runIds) {
        // Active, or ended in memory by the write that failed (the store says it goes on).
        const run = active.get(runId);
        if (run?.lost) continue;
        try {
          if (run) {
            this.holds.deactivate(run);
            active.delete(runId);
          }
          this.resumeUnfinished(runId);
          if (!active.has(runId)) this.holds.elsewhere(runId);
        } catch (err) {
          active.delete(runId);
          this.resuming.failed(err);
          this.retryResume(runId);
        }
      }
    } finally {
      this.reloading = false;
    }
  };

  /** Tries to take up a run given up after failed writes again later (the disk may have room by then). */
  private retryResume(runId: string): void {
    if (this.resumeRetries.has(runId)) return;
    this.resumeRetries.add(runId);
    this.resuming.after(RESUME_RETRY_MS, () => {
      this.resumeRetries.delete(runId);
      if (!this.rt.closed && !this.rt.active.has(runId)) this.reload([runId]);
    });
  }

  /** Resumes every unfinished run whose lease is free (or only the run `only`). Returns the ids resumed. */
  resumeUnfinished(only?: string): string[] {
    const { store, active } = this.rt;
    const resumed: string[] = [];
    for (const runId of only !== undefined ? [only] : store.runs.unfinishedIds()) {
      if (active.has(runId)) continue;
      // When its last holder was last seen with it: read before the claim writes this process's.
      const lastSeen = store.runs.leaseRenewedAt(runId);
      if (!this.leases.claim(runId)) continue;
      const run = store.runs.get(runId)!;
      const stored = store.plans.get(run.plan_id, run.plan_version);
      this.tx(() => {
        if (!stored) {
          store.runs.setStatus(runId, 'failed', this.rt.iso());
          this.writer.audit(
            'run',
            runId,
            runId,
            'executing',
            'failed',
            'its plan version is missing; the run cannot resume',
          );
          return;
        }
        this.flow.activate(withRunInputs(stored.plan, store.runInputs.get(runId)), {
          stored: run,
          lastSeen,
        });
        this.writer.audit(
          'run',
          runId,
          runId,
          'executing',
          'executing',
          `resumed by ${this.rt.config.owner}`,
        );
      });
      if (stored) resumed.push(runId);
    }
    this.rt.schedule();
    return resumed;
  }

  /**
   * From now on, takes up every unfinished run no live process executes (its lease ran out, or
   * its holder on this machine died), looked for at each lease renewal: what `resumeUnfinished`
   * does at start, without waiting for this process to restart. The long-lived hosts do this.
   */
  watchUnfinished(): void {
    this.leases.watchOrphans((runIds) => {
      for (const runId of runIds) {
        // A run given up after failed writes is retried on its own schedule (`retryResume`).
        if (this.rt.closed || this.rt.active.has(runId) || this.resumeRetries.has(runId)) continue;
        this.resuming.run(() => this.resumeUnfinished(runId));
      }
    });
  }

  /**
   * A run this process executes, taken up first when no live process does (its lease ran out,
   * or its holder here died): a person can cancel, or decide for, a run whose process is gone.
   */
  runHere(runId: string): ActiveRun {
    if (!this.rt.active.has(runId)) this.resumeUnfinished(runId);
    return this.leases.activeRun(runId);
  }
}
