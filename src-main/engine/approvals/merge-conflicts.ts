import type { Approval } from '../../../src-shared/schemas/approval.ts';
import { AppError } from '../../errors.ts';
import type { MergeConflictRequest, MergeConflictVerdict } from '../executor.ts';
import type { RunLoader } from '../run-loader.ts';
import { ACTOR } from '../run-state.ts';
import type { Runtime } from '../runtime.ts';
import type { Approvals } from './approvals.ts';
import type { AttemptRef } from './tool-calls.ts';

/**
 * Where coding attempts wait for a person to resolve a merge conflict between their
 * dependencies' branches (`on_conflict: "ask"`, kind `merge_conflict`, asked inside the attempt
 * as `tool_call` is: the task stays `in_progress`). The approval's reason names the files and
 * the worktree, and `merge_conflict_approvals` keeps the merge as data for the inbox. A later
 * attempt of the same task (after a restart) waits on the approval still pending rather than
 * asking twice, and takes a rejection nobody heard (`unheardRejection`); `Engine.decideApproval`
 * hands the decision over (`decided`).
 */
export class MergeConflictDesk {
  private readonly rt: Runtime;
  private readonly approvals: Approvals;
  private readonly loader: RunLoader;
  private readonly waiters = new Map<string, { runId: string; taskId: string; done: Set<() => void> }>();

  constructor(rt: Runtime, parts: { approvals: Approvals; loader: RunLoader }) {
    this.rt = rt;
    this.approvals = parts.approvals;
    this.loader = parts.loader;
  }

  /** Asks a person (or finds the task's pending question) and waits for the answer, or `signal`. */
  async ask(at: AttemptRef, req: MergeConflictRequest, signal: AbortSignal): Promise<MergeConflictVerdict> {
    const id = this.open(at, req);
    return this.waitFor(id, at, signal);
  }

  /**
   * Asks a person (in a transaction of its own), or finds the task's pending question or a
   * rejection no attempt heard: the approval's id. A remote worker's attempt asks this way, then
   * waits in turns (`waitUpTo`).
   */
  open(at: AttemptRef, req: MergeConflictRequest): string {
    const store = this.rt.store;
    const asked = store.approvals.forTask(at.run_id, at.task_id).filter((a) => a.kind === 'merge_conflict');
    const pending = asked.find((a) => a.status === 'pending');
    if (pending) return pending.id;
    const unheard = this.unheardRejection(at, asked.at(-1));
    if (unheard) return unheard;
    return this.loader.tx(() => {
      const run = this.rt.active.get(at.run_id);
      const task = run?.tasks.get(at.task_id);
      if (!run || !task || task.status !== 'in_progress' || task.attempt !== at.attempt)
        throw new AppError(
          'conflict',
          `attempt ${at.attempt} of task "${at.task_id}" of run "${at.run_id}" is not running here`,
        );
      const n = req.files.length;
      const paths = req.files.slice(0, 20).map((f) => f.path);
      const reason = [
        req.again ? `${req.again}; ` : '',
        `merging ${req.merging} into the task's branch conflicts in ${n} file${n === 1 ? '' : 's'}: ${paths.join(', ')}${n > 20 ? ', …' : ''}.`,
        ` Resolve it in ${req.dir} (fix the files; committing is optional), then answer "resolved, go on"; or reject to fail the attempt.`,
      ].join('');
      const approval = this.approvals.askInsideAttempt(run, task, 'merge_conflict', { reason, cost: 0 });
      store.mergeConflicts.insert({
        approval_id: approval.id,
        run_id: run.id,
        task_id: task.task_id,
        attempt: at.attempt,
        dir: req.dir,
        merging: req.merging,
        into: req.into,
        from: req.from,
        files: req.files,
        again: req.again ?? null,
      });
      return approval.id;
    });
  }

  /**
   * The task's latest question, when a person failed it and no attempt has heard it yet: it was
   * rejected from another process while the attempt that asked was gone (Baton down), so every
   * attempt since the one that asked was interrupted, none failed by it. That answer stands
   * (asking again would drop it); once an attempt has failed by it, a retry asks anew.
   */
  private unheardRejection(at: AttemptRef, latest: Approval | undefined): string | null {
    if (latest?.status !== 'rejected' || latest.actor === ACTOR) return null;
    const asker = this.rt.store.mergeConflicts.get(latest.id)?.attempt;
    if (asker === undefined || asker >= at.attempt) return null;
    const ended = new Map(
      this.rt.store.execution.attempts(at.run_id, at.task_id).map((x) => [x.attempt, x.outcome]),
    );
    for (let n = asker; n < at.attempt; n++) if (ended.get(n) !== 'interrupted') return null;
    return latest.id;
  }

  /** Waits up to `waitMs` for the decision on a merge conflict approval: the verdict, or null. */
  async waitUpTo(approvalId: string, at: AttemptRef, waitMs: number): Promise<MergeConflictVerdict | null> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), waitMs);
    try {
      return await this.waitFor(approvalId, at, ac.signal);
    } catch (err) {
      if (ac.signal.aborted) return null;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private waitFor(approvalId: string, at: AttemptRef, signal: AbortSignal): Promise<MergeConflictVerdict> {
    return new Promise((resolve, reject) => {
      const settleIfDecided = (): boolean => {
        const a = this.rt.store.approvals.get(approvalId);
        if (!a || a.status === 'pending') return false;
        const actor = a.actor ?? 'someone';
        resolve(
          a.status === 'approved'
            ? { resolved: true, actor }
            : { resolved: false, actor, comment: a.comment },
        );
        return true;
      };
      if (settleIfDecided()) return;
      if (signal.aborted) return reject(signal.reason);
      const entry = this.waiters.get(approvalId) ?? { runId: at.run_id, taskId: at.task_id, done: new Set() };
      this.waiters.set(approvalId, entry);
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        settleIfDecided();
      };
      const onAbort = () => {
        entry.done.delete(done);
        if (entry.done.size === 0) this.waiters.delete(approvalId);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.done.add(done);
    });
  }

  /** A person's decision on approval `approvalId` is stored: the attempt waiting on it, if any, goes on. */
  decided(approvalId: string): void {
    const entry = this.waiters.get(approvalId);
    if (!entry) return;
    this.waiters.delete(approvalId);
    for (const w of entry.done) w();
  }

  /** Whether an attempt of this task waits on a person here now (it is then not working). */
  isWaiting(runId: string, taskId: string): boolean {
    for (const w of this.waiters.values()) if (w.runId === runId && w.taskId === taskId) return true;
    return false;
  }
}
