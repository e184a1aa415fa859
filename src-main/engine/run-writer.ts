import type { AuditEntry, MemoryEntry } from '../../src-shared/schemas/memory.ts';
import type { RunStatus, TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/plain/run.ts';
import type { BuildLogContent, TaskRun } from '../../src-shared/schemas/run.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../store/store.ts';
import type { BehindFence } from '../store/write-behind.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { BudgetLedger } from './budget.ts';
import type { DeciderQuestions } from './decider-questions.ts';
import type { KindHooks } from './kind-hooks.ts';
import type { RunLeases } from './leases.ts';
import type { ActiveRun } from './run-state.ts';
import { ACTOR, delegations, snapshot, takenOver } from './run-state.ts';
import type { Runtime } from './runtime.ts';
import { assertTransition } from './task-state.ts';

/**
 * The write path: one transaction per step, in which task transitions are recorded in memory
 * and written at commit — each touched task row once, audit entries and task results in
 * multi-row statements, in the order they happened. Also the build log, rewritten whole.
 */
export class RunWriter {
  private readonly rt: Runtime;
  private readonly store: Store;
  private readonly bus: EventBus;
  /** Before each outermost transaction, leases due are renewed; first inside it, runs another process took are given up. */
  private readonly leases: RunLeases;
  /** First inside each outermost transaction, agents another process changed are read again. */
  private readonly agents: AgentDirectory;
  private readonly budget: BudgetLedger;
  /** A task of a run with a decider ended done, failed or unassigned: its decider is asked. */
  private readonly questions: DeciderQuestions;
  /** A task that reaches a final status is told to the agent kinds that ask (`KindHooks.taskEnded`). */
  private readonly hooks: KindHooks;

  /** Tasks changed in the current transaction; each row is written once, at commit. */
  private readonly dirty = new Set<TaskRun>();
  /** Of those, the ones whose `match` or `output` changed. */
  private readonly dirtyJson = new Set<TaskRun>();
  /** Audit entries and task results of the current transaction, written in order at commit. */
  private readonly auditBuffer: Omit<AuditEntry, 'id'>[] = [];
  private readonly resultBuffer: (MemoryEntry & { plan_id: string | null })[] = [];
  /** The runs the current transaction changed (in memory, until it commits). */
  private readonly touched = new Set<string>();

  constructor(
    rt: Runtime,
    parts: {
      leases: RunLeases;
      agents: AgentDirectory;
      budget: BudgetLedger;
      questions: DeciderQuestions;
      hooks: KindHooks;
    },
  ) {
    this.rt = rt;
    this.store = rt.store;
    this.bus = rt.bus;
    this.leases = parts.leases;
    this.agents = parts.agents;
    this.budget = parts.budget;
    this.questions = parts.questions;
    this.hooks = parts.hooks;
  }

  /**
   * One transaction: `fn`'s changes, then the task rows it touched. Its events are told, and
   * what waits on it (`CommitEffects`) is done, only once it commits. One that fails has changed
   * memory already: `reload` is handed the runs it touched, to take them down and resume them
   * from the store, before the error goes on up. Inside a transaction, `fn` joins it.
   */
  tx<T>(fn: () => T, reload: (runIds: string[]) => void, behind = false): T {
    if (this.store.inTx()) return this.inTx(fn, false, false);
    this.leases.ensureFresh();
    this.bus.hold();
    let result: T;
    this.rt.txBegan();
    try {
      result = this.inTx(fn, true, behind);
    } catch (err) {
      this.rt.txEnded();
      this.bus.drop();
      // The store has none of it, but memory moved on (a task cancelled, its agent's flight
      // gone): the agents it meant to stop are stopped, and its runs are reloaded from the
      // store, which retries what was in flight as new attempts, as after a crash.
      const runs = [...this.touched];
      this.touched.clear();
      this.rt.effects.rolledBack();
      if (runs.length > 0) reload(runs);
      throw err;
    }
    this.rt.txEnded();
    this.touched.clear();
    // Its events and effects act once it is stored: now, unless it was written behind the engine
    // (or follows a tick that was), then once the writer has committed it, in order.
    const events = this.bus.detach();
    const effects = this.rt.effects.detach();
    this.store.whenWritten(
      this.store.unwritten(),
      () => {
        this.bus.release(events);
        effects.committed();
      },
      () => effects.rolledBack(),
    );
    return result;
  }

  /** Whose runs a tick written behind the engine writes: the writer checks their leases first. */
  private fence(): BehindFence | null {
    return this.touched.size > 0 ? { owner: this.rt.config.owner, runIds: [...this.touched] } : null;
  }

  private inTx<T>(fn: () => T, outermost: boolean, behind: boolean): T {
    const body = () => {
      if (outermost) {
        this.leases.fence();
        this.agents.refresh();
      }
      try {
        const result = fn();
        this.flushDirty();
        return result;
      } catch (err) {
        this.budget.forgetSpent();
        this.dirty.clear();
        this.dirtyJson.clear();
        this.auditBuffer.length = 0;
        this.resultBuffer.length = 0;
        this.rolledBack?.();
        throw err;
      }
    };
    return behind ? this.store.txBehind(body, () => this.fence()) : this.store.tx(body);
  }

  /**
   * Moves a task to `to` (refusing an illegal transition), keeping the run's counts and audit.
   * The audit entry says why: `why`, else the task's new reason, else what the move means.
   */
  setStatus(
    run: ActiveRun,
    task: TaskRun,
    to: TaskStatus,
    patch: Partial<TaskRun>,
    actor = ACTOR,
    why?: string,
  ): void {
    if (run.lost) throw takenOver(run.id);
    this.touched.add(run.id);
    const from = task.status;
    assertTransition(task.task_id, from, to);
    Object.assign(task, patch);
    if ('match' in patch || 'output' in patch) this.dirtyJson.add(task);
    task.status = to;
    run.counts[from]--;
    run.counts[to]++;
    if (!isTerminalTaskStatus(from) && isTerminalTaskStatus(to)) {
      const decider = run.decider;
      if (decider) {
        // Only a decider reads the history: a run without one keeps none.
        decider.history.unshift({ task_id: task.task_id, status: to, agent_id: task.agent_id });
        if (decider.history.length > 5) decider.history.length = 5;
        if (to === 'done' || to === 'failed' || to === 'unassigned') this.questions.ask(run, task);
      }
      this.hooks.taskEnded(run, task);
    }
    this.save(task);
    this.audit(
      'task',
      task.task_id,
      run.id,
      from,
      to,
      why ?? patch.reason ?? (to === 'failed' ? patch.error : undefined) ?? transitionWhy(to, task),
      actor,
    );
  }

  /**
   * Keeps the attempt on `task`'s row, which a retry or a restart will replace: statistics count
   * it, and the task lists it among its attempts. A failed one ended now (or at `finishedAt`: a
   * failed task retried in its run); an interrupted one when its row was last written (not when
   * Baton came back, maybe hours later).
   */
  keepAttempt(
    task: TaskRun,
    outcome: 'done' | 'failed' | 'interrupted' | 'given_back' | 'limited',
    error: string | null,
    finishedAt: string = outcome === 'interrupted' ? task.updated_at : this.rt.iso(),
  ): void {
    this.store.execution.addAttempt({
      run_id: task.run_id,
      task_id: task.task_id,
      attempt: task.attempt,
      agent_id: task.agent_id,
      started_at: task.started_at,
      finished_at: finishedAt,
      outcome,
      error,
    });
  }

  /** Called before the task rows are written: what they still owe is settled (`Dependents`' waiting reasons). */
  beforeFlush: (() => void) | null = null;
  /** Called when a transaction fails: what `beforeFlush` would have settled is forgotten with it. */
  rolledBack: (() => void) | null = null;

  /** Marks a task row to be written at commit. */
  save(task: TaskRun): void {
    this.touched.add(task.run_id);
    task.updated_at = this.rt.iso();
    this.dirty.add(task);
  }

  /** Marks a task row to be written at commit, its `match` or `output` included. */
  saveWithJson(task: TaskRun): void {
    this.dirtyJson.add(task);
    this.save(task);
  }

  /** Writes what the transaction changed so far: task rows, then audit entries, then memory entries. */
  flushDirty(): void {
    this.beforeFlush?.();
    if (this.dirty.size > 0) {
      this.store.runs.saveTasks(this.dirty, this.dirtyJson);
      if (this.bus.wants('task.updated'))
        for (const task of this.dirty) this.bus.emit('task.updated', { ...task });
      this.dirty.clear();
      this.dirtyJson.clear();
    }
    if (this.auditBuffer.length > 0) {
      this.store.memory.auditMany(this.auditBuffer);
      this.auditBuffer.length = 0;
    }
    if (this.resultBuffer.length > 0) {
      this.store.memory.insertMany(this.resultBuffer);
      this.resultBuffer.length = 0;
    }
  }

  audit(
    entity: 'run' | 'task' | 'approval',
    entityId: string,
    runId: string,
    from: string | null,
    to: string | null,
    why: string,
    actor = ACTOR,
  ): void {
    this.touched.add(runId);
    this.auditBuffer.push({
      at: this.rt.iso(),
      actor,
      entity,
      entity_id: entityId,
      run_id: runId,
      from_status: from,
      to_status: to,
      why,
    });
  }

  /** A memory entry written with the task results at commit (a decider's decision). */
  remember(entry: MemoryEntry & { plan_id: string | null }): void {
    this.resultBuffer.push(entry);
  }

  /** The task's result as a memory entry: its output when done, its error when it failed for good. */
  writeTaskResult(run: ActiveRun, task: TaskRun): void {
    const now = this.rt.iso();
    const entry = {
      id: this.rt.ids.next('mem'),
      agent_id: task.agent_id ?? 'unknown',
      type: 'task_result',
      content: {
        run_id: run.id,
        plan_id: run.plan.plan_id,
        task_id: task.task_id,
        delegation_task_id: task.delegation_task_id,
        attempt: task.attempt,
        output: task.output,
        // A failure is a result too: its error is what a search for it finds.
        ...(task.status === 'failed' ? { error: task.error } : {}),
      },
      tags: ['task_result', `plan:${run.plan.plan_id}`, `run:${run.id}`, `agent:${task.agent_id}`],
      project_id: run.plan.project_id ?? null,
      status: task.status,
      task_type: 'task',
      task_id: task.task_id,
      plan_id: run.plan.plan_id,
      created_at: now,
      updated_at: now,
    };
    this.resultBuffer.push(entry);
  }

  /**
   * A run resumed from the store with every task ended and its decider not done with it: the
   * question asked about the task that ended last was held in memory only (a restart lost it, its
   * answer with it), so it is asked again — else the run would end as if the decider had agreed.
   */
  askDeciderAgain(run: ActiveRun): void {
    const decider = run.decider;
    if (!decider || decider.closedRun || decider.pending > 0) return;
    let last: TaskRun | null = null;
    for (const t of run.tasks.values())
      if (
        (t.status === 'done' || t.status === 'failed' || t.status === 'unassigned') &&
        (last === null || (t.finished_at ?? '') > (last.finished_at ?? ''))
      )
        last = t;
    if (last === null) return;
    this.questions.ask(run, last);
    this.rt.schedule();
  }

  /**
   * Whether what was written leaves work only a tick does: a decider asked and not yet called, or
   * a build log that changed with no timer set for the tick that writes it (`dueBuildLogs` writes
   * it, or sets that timer).
   */
  waitsForTick(): boolean {
    if (this.questions.waiting) return true;
    for (const run of this.rt.active.values()) if (run.buildLog.dirty && !run.buildLog.timer) return true;
    return false;
  }

  /**
   * The runs whose build log is due to be written again now (a tick writes them after its work);
   * a log that changed and is not due yet asks for a tick when it is.
   */
  dueBuildLogs(): ActiveRun[] {
    const { rt } = this;
    const now = rt.clock.now();
    const due: ActiveRun[] = [];
    for (const run of rt.active.values()) {
      const log = run.buildLog;
      if (log.dirty && now - log.lastAt >= log.everyMs) due.push(run);
      else if (log.dirty && !log.timer) {
        log.timer = setTimeout(() => {
          log.timer = null;
          rt.schedule();
        }, log.everyMs);
        log.timer.unref();
      }
    }
    return due;
  }

  /** Writes the due build logs while the tick has time (one at least); true when some are left. */
  writeBuildLogs(due: readonly ActiveRun[], budget: { readonly spent: boolean }): boolean {
    for (let i = 0; i < due.length; i++) {
      if (i > 0 && budget.spent) return true;
      this.writeBuildLog(due[i]!, 'executing');
    }
    return false;
  }

  writeBuildLog(run: ActiveRun, status: RunStatus): void {
    this.flushDirty();
    const began = performance.now();
    const now = this.rt.iso();
    // In the order tasks were delegated (or found unassigned).
    const content: BuildLogContent = {
      plan_id: run.plan.plan_id,
      delegated_tasks: delegations(run),
      unassigned_tasks: [...run.unassigned.values()],
      timestamp: now,
    };
    const log = run.buildLog;
    const entry = { ...log.entry, content, status, updated_at: now };
    this.store.memory.update(entry);
    // The content is rewritten whole next time: keep the entry without it (megabytes for a big run).
    log.entry = { ...entry, content: {} };
    log.dirty = false;
    log.lastAt = this.rt.clock.now();
    // A 100,000-task log is megabytes of JSON: rewriting it every 250 ms would cost more than the
    // run. Rewrites take at most ~1% of the engine thread (each one stalls a tick or two).
    log.everyMs = Math.max(this.rt.config.buildLogIntervalMs, 100 * (performance.now() - began));
    this.bus.emit('memory.written', entry);
    this.bus.emit('run.updated', snapshot(run));
  }
}

function transitionWhy(to: TaskStatus, task: TaskRun): string {
  switch (to) {
    case 'in_progress':
      return task.delegation_task_id
        ? `delegated to ${task.agent_id} as ${task.delegation_task_id} (attempt ${task.attempt})`
        : `taken by ${task.agent_id} (attempt ${task.attempt})`;
    case 'done':
      return 'the agent returned a result';
    case 'ready':
      return 'dependencies met';
    default:
      return to;
  }
}
