import type { TaskRun } from '../../src-shared/schemas/run.ts';
import {
  attemptMarker,
  attemptWorkspace,
  removeAttemptTmps,
  stopAttemptOrphans,
} from './attempt-leftovers.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';

/**
 * Attempts run by a process that is gone (a SIGKILL, a crash, a power cut, or a process that
 * closed), found `in_progress` by the process that takes responsibility for their run: at its
 * restart, when a live process takes the run over, or to cancel it or decide for it
 * (`TaskFlow.activate` from the store). Whoever does that first:
 *
 * - keeps each such attempt `interrupted`, ending at the last sign of life Baton stored for it
 *   (`lastSignOfLife`), not at its start;
 * - stops the programs it left running, found by their marker (`attemptMarker`: its setsid
 *   grandchildren too), and removes a coding attempt's own folder (`attemptTmp`) and its best-of
 *   candidates' (`removeAttemptTmps`), whose MCP configs hold tokens that died with its process.
 *
 * The clean-ups act once the transaction that keeps the attempts ends (committed or not: what a
 * dead process left is stopped either way), one look through the processes for all of them. The
 * task's next attempt does not wait for them, but a coding attempt stops what is left in its
 * folder before it works there.
 */
export class InterruptedAttempts {
  private readonly rt: Runtime;
  private readonly writer: RunWriter;
  /** The attempts kept in the current transaction, cleared once it ends (null: none yet). */
  private batch: { markers: Set<string>; workspaces: string[] } | null = null;

  constructor(rt: Runtime, parts: { writer: RunWriter }) {
    this.rt = rt;
    this.writer = parts.writer;
  }

  /**
   * Keeps the attempt on `task`'s row as interrupted and clears what it left. `lastSeen`: when
   * the process that ran it last renewed the run's lease (`runs.leaseRenewedAt`), read before
   * this process took the lease; `coding`: the attempt was a coding agent's.
   */
  keep(task: TaskRun, lastSeen: number | null, coding: boolean): void {
    this.writer.keepAttempt(task, 'interrupted', null, this.lastSignOfLife(task, lastSeen));
    const { run_id: runId, task_id: taskId, attempt } = task;
    if (!this.batch) {
      const batch = { markers: new Set<string>(), workspaces: [] as string[] };
      this.batch = batch;
      this.rt.effects.stopAfter(() => this.clear(batch));
    }
    this.batch.markers.add(attemptMarker(this.rt.store.attemptScope, runId, taskId, attempt));
    if (coding)
      this.batch.workspaces.push(attemptWorkspace(this.rt.config.workspaceRoot, runId, taskId, attempt));
  }

  private clear(batch: { markers: Set<string>; workspaces: string[] }): void {
    if (this.batch === batch) this.batch = null;
    void (async () => {
      await stopAttemptOrphans(batch.markers);
      for (const workspace of batch.workspaces) await removeAttemptTmps(workspace);
    })().catch((err: unknown) => this.rt.log(err));
  }

  /**
   * The last moment the attempt was known to run: the latest of its row's last write (a progress
   * report), its last log line, progress entry or step, and the last renewal of its run's lease
   * by the process that ran it (every third of a lease, 10 s by default: that process still ran
   * the attempt then). Never later than now; the start itself when nothing came after it.
   */
  private lastSignOfLife(task: TaskRun, lastSeen: number | null): string {
    const signs = [
      task.updated_at,
      ...this.rt.store.execution.lastSigns(task.run_id, task.task_id, task.attempt),
    ];
    let last = Math.max(...signs.map((at) => Date.parse(at)).filter((ms) => Number.isFinite(ms)));
    if (lastSeen !== null) last = Math.max(last, lastSeen);
    const now = this.rt.clock.now();
    if (!Number.isFinite(last) || last > now) last = now;
    return new Date(last).toISOString();
  }
}
