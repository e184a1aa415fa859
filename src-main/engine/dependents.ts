import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { DependentVerdict } from './conditions.ts';
import { decideDependent, MatchBudget, stillWaiting } from './conditions.ts';
import type { ActiveRun } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';

/** What deciding dependents calls back into (`TaskFlow`'s). */
export interface DependentsParts {
  writer: RunWriter;
  /** A task whose dependencies are met: queued, or waiting for a person. */
  enqueueOrGate(run: ActiveRun, task: TaskRun): void;
  /** Ends the run when nothing is left open. */
  maybeFinish(run: ActiveRun): void;
}

/**
 * Decides blocked tasks as their dependencies end (inside a transaction): ready (queued or
 * gated), skipped, or still waiting, with the "waiting for …" reason the run screen shows.
 *
 * A dependent with no condition that still waits for one of its dependencies is only remembered
 * when another one ends: its reason is written once, just before the transaction's rows
 * (`RunWriter.beforeFlush`), not again at each dependency that ends meanwhile. Most never need
 * it: in a wide DAG all of a task's dependencies end in the same tick, and it is ready by then.
 * It is decided at once when its last dependency ends, or one ends other than done (skipped as
 * soon as that is certain), so tasks reach the queue in the same order as when each was decided
 * at every end.
 */
export class Dependents {
  private readonly rt: Runtime;
  private readonly parts: DependentsParts;
  /** The time `matches` conditions may still take this tick (`newTick` renews it). */
  private readonly matchBudget = new MatchBudget();
  /** Run id → its blocked tasks whose condition waits for a tick with time left (`settleDeferred`). */
  private readonly deferred = new Map<string, Set<string>>();
  /** Blocked tasks still waiting whose reason is written before the rows are (`settleWaiting`). */
  private readonly waiting = new Set<TaskRun>();

  constructor(rt: Runtime, parts: DependentsParts) {
    this.rt = rt;
    this.parts = parts;
    parts.writer.beforeFlush = () => this.settleWaiting();
    // Its runs are reloaded from the store, which decides their tasks again.
    parts.writer.rolledBack = () => this.waiting.clear();
  }

  /** Re-decides every dependent of a task that just changed. Iterative: chains may be long. */
  settleAll(run: ActiveRun, taskId: string): void {
    const work = [taskId];
    while (work.length > 0) {
      const id = work.pop()!;
      for (const depId of run.dependents.get(id) ?? []) {
        const dep = run.tasks.get(depId)!;
        if (dep.status !== 'blocked') continue;
        if (stillWaiting(run.specs.get(depId)!, run.tasks)) this.waiting.add(dep);
        else if (this.settle(run, dep)) work.push(depId);
      }
    }
  }

  /**
   * The reasons of the tasks left waiting, decided in full now, before the transaction writes its
   * rows (a failed transaction forgets them: `RunWriter.rolledBack`). A task whose run was
   * reloaded since is another object now, and is left alone.
   */
  private settleWaiting(): void {
    while (this.waiting.size > 0) {
      const tasks = [...this.waiting];
      this.waiting.clear();
      for (const task of tasks) {
        const run = this.rt.active.get(task.run_id);
        if (task.status !== 'blocked' || run?.tasks.get(task.task_id) !== task) continue;
        if (this.settle(run, task)) {
          this.settleAll(run, task.task_id);
          this.parts.maybeFinish(run);
        }
      }
    }
  }

  /** Decides a waiting task again; true when it was skipped (its own dependents are next). */
  private settle(run: ActiveRun, task: TaskRun): boolean {
    const verdict = this.verdictOf(run, run.specs.get(task.task_id)!);
    switch (verdict.kind) {
      case 'wait':
        if (task.reason !== verdict.reason) {
          task.reason = verdict.reason;
          this.parts.writer.save(task);
        }
        return false;
      case 'deferred':
        this.defer(run, task.task_id);
        return false;
      case 'ready':
      case 'skip':
        return this.applyVerdict(run, task, verdict);
    }
  }

  /** A new tick: conditions have their whole time budget again (`MatchBudget`). */
  newTick(): void {
    this.matchBudget.renew();
  }

  /** Remembers a task whose condition this tick had no time left for, and asks for the next tick. */
  defer(run: ActiveRun, taskId: string): void {
    const tasks = this.deferred.get(run.id);
    if (tasks) tasks.add(taskId);
    else this.deferred.set(run.id, new Set([taskId]));
    this.rt.schedule();
  }

  /**
   * Decides the tasks deferred by earlier ticks, oldest first, as far as this tick's budget
   * goes: the rest are deferred again (and another tick asked for).
   */
  settleDeferred(): void {
    if (this.deferred.size === 0) return;
    const deferred = [...this.deferred];
    this.deferred.clear();
    for (const [runId, taskIds] of deferred) {
      const run = this.rt.active.get(runId);
      if (!run) continue;
      for (const taskId of taskIds) {
        const task = run.tasks.get(taskId);
        if (task?.status === 'blocked' && this.settle(run, task)) this.settleAll(run, taskId);
      }
      this.parts.maybeFinish(run);
    }
  }

  /**
   * Moves a waiting task as its dependencies now allow: ready (then queued or gated), or
   * skipped. True when skipped: its own dependents are to be settled next.
   */
  applyVerdict(
    run: ActiveRun,
    task: TaskRun,
    verdict: Extract<DependentVerdict, { kind: 'ready' | 'skip' }>,
  ): boolean {
    const { writer } = this.parts;
    if (verdict.kind === 'ready') {
      writer.setStatus(run, task, 'ready', { reason: null });
      this.parts.enqueueOrGate(run, task);
      return false;
    }
    writer.setStatus(run, task, 'skipped', { reason: verdict.reason, finished_at: this.rt.iso() });
    return true;
  }

  /** What a task's dependencies allow now (`conditions.ts`). */
  verdictOf(run: ActiveRun, spec: TaskSpec): DependentVerdict {
    return decideDependent(spec, run.tasks, this.matchBudget);
  }
}
