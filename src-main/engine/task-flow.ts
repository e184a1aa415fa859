import { retryDelay } from '../../src-shared/backoff.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { RunStatus } from '../../src-shared/schemas/plain/run.ts';
import { TERMINAL_TASK_STATUSES } from '../../src-shared/schemas/plain/run.ts';
import type { Plan } from '../../src-shared/schemas/plan.ts';
import type { MatchExplanation, TaskRun } from '../../src-shared/schemas/run.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { AgentOutcomes } from './agent-outcomes.ts';
import { workedMs } from './agent-outcomes.ts';
import type { Approvals } from './approvals/approvals.ts';
import type { TaskAnswer } from './approvals/kinds.ts';
import type { BudgetLedger } from './budget.ts';
import type { EngineStore } from './coding-records.ts';
import { Dependents } from './dependents.ts';
import type { InterruptedAttempts } from './interrupted-attempts.ts';
import type { KindHooks } from './kind-hooks.ts';
import type { RunLeases } from './leases.ts';
import { endLimited, pinQuotaWaits } from './limit-policy.ts';
import type { RunHolds } from './run-holds.ts';
import type { RunSource } from './run-rebuild.ts';
import { rebuildRun } from './run-rebuild.ts';
import type { ActiveRun } from './run-state.ts';
import { ACTOR, finalRunStatus, openTasks, snapshot, stopFlight } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';
import type { SearchIndexing } from './search-indexing.ts';
import { carryOut } from './task-answers.ts';
import type { AttemptEnded, RetryDue } from './tick-inputs.ts';

/** The parts `TaskFlow` calls. */
export interface TaskFlowParts {
  writer: RunWriter;
  approvals: Approvals;
  budget: BudgetLedger;
  outcomes: AgentOutcomes;
  agents: AgentDirectory;
  holds: RunHolds;
  leases: RunLeases;
  indexing: SearchIndexing;
  hooks: KindHooks;
  interrupted: InterruptedAttempts;
}

/**
 * How the tasks of the runs in memory move, inside a transaction: a run is loaded (and
 * recovered after a restart), tasks are queued or gated, assigned and released, finished
 * attempts settle their task and its dependents, and a run ends when nothing is left open.
 */
export class TaskFlow {
  private readonly rt: Runtime;
  private readonly store: EngineStore;
  private readonly writer: RunWriter;
  private readonly approvals: Approvals;
  private readonly budget: BudgetLedger;
  private readonly outcomes: AgentOutcomes;
  private readonly agents: AgentDirectory;
  private readonly holds: RunHolds;
  private readonly leases: RunLeases;
  private readonly indexing: SearchIndexing;
  private readonly hooks: KindHooks;
  private readonly interrupted: InterruptedAttempts;
  /** Blocked tasks decided as their dependencies end (and the conditions' time per tick). */
  readonly dependents: Dependents;

  constructor(rt: Runtime, parts: TaskFlowParts) {
    this.rt = rt;
    this.store = rt.store;
    this.writer = parts.writer;
    this.approvals = parts.approvals;
    this.budget = parts.budget;
    this.outcomes = parts.outcomes;
    this.agents = parts.agents;
    this.holds = parts.holds;
    this.leases = parts.leases;
    this.indexing = parts.indexing;
    this.hooks = parts.hooks;
    this.interrupted = parts.interrupted;
    this.dependents = new Dependents(rt, {
      writer: this.writer,
      enqueueOrGate: (run, task) => this.enqueueOrGate(run, task),
      maybeFinish: (run) => this.maybeFinish(run),
    });
  }

  /**
   * Loads a run into memory (inside a transaction) and puts its ready tasks in the queue: a new
   * run from the rows just written (`fresh`), or an unfinished one as read from the store (`stored`,
   * with when its last holder last renewed its lease: `lastSeen`).
   */
  activate(plan: Plan, from: RunSource): ActiveRun {
    const run = rebuildRun(this.store, plan, from, this.rt.config.buildLogIntervalMs);
    const runId = run.id;
    this.rt.active.set(runId, run);
    pinQuotaWaits(this.rt, run);
    // A new run in which no task has ended yet (none reused): every blocked task waits for a
    // dependency still going, as its row already says; deciding each again would only say so.
    const decideBlocked = !('fresh' in from) || TERMINAL_TASK_STATUSES.some((s) => run.counts[s] > 0);
    for (const t of run.tasks.values()) {
      if (t.status === 'in_progress') {
        const agent = this.agents.of(t.agent_id);
        if (agent && this.agents.executorOf(agent) === undefined) {
          // A pull agent elsewhere may still be working on it: keep it, its capacity and its
          // cost in flight (which `release` takes back when it ends), and its timeout.
          this.holds.hold(run, t, agent);
          this.holds.holdPulled(run, t);
          continue;
        }
        // What it really spent (its usage steps, stored as they came) is charged all the same.
        const spent = this.store.steps.attemptSpent(runId, t.task_id, t.attempt);
        this.budget.charge(run, t, spent.usd, this.rt.iso(), spent.unknown);
        const traits = agent && this.agents.traitsOf(agent);
        const resumes = traits?.resumesSession === true;
        if (resumes && !traits?.keepsAsksAcrossRestart?.(agent!)) this.expireAskedBy(run, t);
        this.interrupted.keep(t, 'stored' in from ? from.lastSeen : null, resumes);
        this.writer.setStatus(run, t, 'ready', {
          reason: 'interrupted by a restart; retried as a new attempt',
        });
        this.enqueueOrGate(run, t);
      } else if (t.status === 'ready') {
        if (t.retry_at !== null && t.retry_at > this.rt.clock.now()) this.armRetry(run, t);
        else this.enqueueOrGate(run, t);
      } else if (t.status === 'blocked' && decideBlocked) {
        const verdict = this.dependents.verdictOf(run, run.specs.get(t.task_id)!);
        if (verdict.kind === 'deferred') this.dependents.defer(run, t.task_id);
        else if (verdict.kind !== 'wait' && this.dependents.applyVerdict(run, t, verdict))
          this.settleDependents(run, t.task_id);
      }
    }
    this.leases.keepRenewing();
    if (openTasks(run) === 0) {
      if ('stored' in from) this.writer.askDeciderAgain(run);
      this.maybeFinish(run);
    }
    return run;
  }

  /** The tool calls an interrupted coding CLI (a kind that resumes its session) asked about expire: nobody waits for them any more. */
  private expireAskedBy(run: ActiveRun, t: TaskRun): void {
    const why = 'Baton restarted while the CLI waited; its resumed session asks again';
    for (const expired of this.approvals.expireAskedBy(run, t.task_id, t.attempt, why))
      this.rt.effects.afterCommit(() => this.rt.bus.emit('approval.changed', expired));
  }

  /** An attempt ended: the task is done, retried after a backoff, or failed. */
  complete(c: AttemptEnded): void {
    const run = this.rt.active.get(c.runId);
    if (!run) return;
    const task = run.tasks.get(c.taskId)!;
    if (task.status !== 'in_progress' || task.attempt !== c.attempt) return;
    const spec = run.specs.get(task.task_id)!;
    const agent = this.agents.of(task.agent_id);
    this.holds.release(run, task);
    // What an attempt a restart interrupted asked and this one did not ask again waits for nobody now.
    for (let n = 1; n < task.attempt; n++)
      for (const expired of this.approvals.expireAskedBy(
        run,
        task.task_id,
        n,
        'the resumed session did not ask it again',
      ))
        this.rt.effects.afterCommit(() => this.rt.bus.emit('approval.changed', expired));
    const estimate = agent ? this.budget.costOf(spec, agent) : spec.estimated_cost;
    const usage = run.usage.get(task.task_id) ?? 0;
    const unseen = run.unseen.get(task.task_id) ?? 0;
    const kind = agent && this.agents.traitsOf(agent);
    this.outcomes.record(task.agent_id, c.ok, workedMs(this.store, task, kind, this.rt.clock.now()));
    if (c.ok) {
      // What the agent reported; the estimate only for an agent that reported nothing at all.
      const amount = usage > 0 || unseen > 0 ? usage : estimate;
      this.budget.charge(run, task, amount, this.rt.iso(), unseen);
      // A diff to review: the task waits for a person, its output kept.
      if (agent && this.approvals.gateAfterAttempt(run, task, spec, agent, c.output ?? null)) return;
      this.writer.setStatus(run, task, 'done', {
        output: c.output ?? null,
        finished_at: this.rt.iso(),
        reason: null,
        progress: 100,
      });
      this.writer.writeTaskResult(run, task);
      this.settleDependents(run, task.task_id);
      this.maybeFinish(run);
      return;
    }
    this.budget.charge(run, task, usage, this.rt.iso(), unseen);
    if (c.budget !== undefined) {
      // The plan's (or project's) budget stopped it at a model turn: the task waits for a person,
      // as one that would pass the budget does before it starts. Approved, it goes on past it.
      this.writer.keepAttempt(task, 'failed', c.error ?? c.budget);
      this.approvals.gate(run, task, 'budget', { reason: c.budget, cost: 0 });
      return;
    }
    if (c.limit !== undefined) {
      // The account ran out: waiting for quota, not failed; the task follows its `on_limit`.
      const parts = {
        rt: this.rt,
        writer: this.writer,
        approvals: this.approvals,
        limits: this.agents.limits,
        flow: this,
      };
      endLimited(parts, run, task, spec, agent, c.limit, c.error ?? 'usage limit');
      return;
    }
    const max = spec.retry?.max_attempts ?? 1;
    // An attempt given back (or reassigned), or ended by a usage limit, was no failure: it uses none of the retries.
    const used = spec.retry ? task.attempt - this.givenBack(run, task) : task.attempt;
    if (spec.retry && used < max) {
      const delay = retryDelay(spec.retry, used + 1, this.rt.random);
      const retryAt = this.rt.clock.now() + delay;
      this.writer.keepAttempt(task, 'failed', c.error ?? 'failed');
      this.writer.setStatus(run, task, 'ready', {
        error: c.error ?? 'failed',
        retry_at: retryAt,
        reason: `attempt ${task.attempt} failed: ${c.error}; attempt ${task.attempt + 1}${used === task.attempt ? ` of ${max}` : ''} in ${(delay / 1000).toFixed(1)} s${used === task.attempt ? '' : ` (${max - used} of ${max} left: attempts given back do not count)`}`,
      });
      this.armRetry(run, task);
      return;
    }
    // A tool call its last attempt left waiting for a person waits for nobody now.
    this.approvals.close(run, task, `the task failed: ${c.error ?? 'failed'}`, ACTOR);
    this.writer.setStatus(run, task, 'failed', {
      error: c.error ?? 'failed',
      finished_at: this.rt.iso(),
    });
    this.writer.writeTaskResult(run, task);
    this.settleDependents(run, task.task_id);
    this.maybeFinish(run);
  }

  /** How many of the task's attempts in this run were given back or hit a usage limit (kept in `task_attempts`): no failures. */
  private givenBack(run: ActiveRun, task: TaskRun): number {
    if (task.attempt <= 1) return 0;
    return this.store.execution
      .attempts(run.id, task.task_id)
      .filter((a) => a.outcome === 'given_back' || a.outcome === 'limited').length;
  }

  armRetry(run: ActiveRun, task: TaskRun): void {
    const wait = Math.max(0, (task.retry_at ?? 0) - this.rt.clock.now());
    const timer = setTimeout(() => {
      run.retryTimers.delete(task.task_id);
      this.rt.inbox.push({ kind: 'retry.due', runId: run.id, taskId: task.task_id });
      this.rt.schedule();
    }, wait);
    timer.unref();
    run.retryTimers.set(task.task_id, timer);
  }

  /** A retry's backoff passed: the task, if it still waits for it, is queued for its next attempt. */
  retryDue({ runId, taskId }: RetryDue): void {
    const run = this.rt.active.get(runId);
    const task = run?.tasks.get(taskId);
    if (run && task?.status === 'ready' && task.retry_at !== null) {
      task.retry_at = null;
      this.writer.save(task);
      this.enqueue(run, task);
    }
  }

  /**
   * A task whose dependencies are met: it waits for a person if a kind of approval asks it to
   * (`Approvals.gateWhenReady`), else it is queued. A task that is a person's decision (an
   * escalation) is never queued: it is no agent's work.
   */
  enqueueOrGate(run: ActiveRun, task: TaskRun): void {
    if (this.approvals.gateWhenReady(run, task, run.specs.get(task.task_id)!)) return;
    if (run.gates.has(task.task_id)) return;
    this.enqueue(run, task);
  }

  enqueue(run: ActiveRun, task: TaskRun): void {
    const spec = run.specs.get(task.task_id)!;
    this.rt.queue.push(run.id, task.task_id, spec.required_skills, spec.agent, spec.priority, spec.deadline);
  }

  /**
   * A person answered what the task waited on (`Approvals.decide`, inside the same transaction):
   * it is done by them (an escalation: their decision is the work), ready again (then queued or
   * stopped by the next gate), or skipped with its dependents.
   */
  answer(run: ActiveRun, task: TaskRun, answer: TaskAnswer, actor: string): void {
    carryOut({ rt: this.rt, writer: this.writer, flow: this }, run, task, answer, actor);
  }

  /**
   * The task's next attempt goes to `agent`: its load and the budget in flight grow. `by`: a
   * person handed it to the agent (a reassignment), recorded as theirs in the audit log.
   */
  assign(
    run: ActiveRun,
    task: TaskRun,
    agent: Agent,
    explanation: MatchExplanation,
    by?: { actor: string; why: string },
  ): void {
    const attempt = task.attempt + 1;
    const delegation = attempt === 1 ? `${task.task_id}-delegated` : `${task.task_id}-delegated-${attempt}`;
    const patch: Partial<TaskRun> = {
      agent_id: agent.id,
      delegation_task_id: delegation,
      attempt,
      reason: null,
      match: explanation,
      error: null,
      progress: null,
      progress_message: null,
      started_at: this.rt.iso(),
      finished_at: null,
    };
    this.writer.setStatus(run, task, 'in_progress', patch, by?.actor, by?.why);
    run.delegated.add(task);
    run.buildLog.dirty = true;
    run.usage.delete(task.task_id);
    run.unseen.delete(task.task_id);
    this.holds.hold(run, task, agent);
  }

  /** Re-decides every dependent of a task that just changed (`Dependents`). */
  settleDependents(run: ActiveRun, taskId: string): void {
    this.dependents.settleAll(run, taskId);
  }

  /** Stops a task that has not ended (its agent, its retry, its place in the queue); `actor` asked for it. */
  cancelOne(run: ActiveRun, task: TaskRun, why: string, actor = ACTOR): void {
    const flight = run.inflight.get(task.task_id);
    if (task.status === 'in_progress') {
      this.holds.release(run, task);
      // Money the agent reported spending on the cancelled attempt was spent.
      this.budget.charge(
        run,
        task,
        run.usage.get(task.task_id) ?? 0,
        this.rt.iso(),
        run.unseen.get(task.task_id) ?? 0,
      );
    }
    if (flight) {
      // The agent is stopped once the cancel is stored.
      stopFlight(flight, 'cancelled', (stop) => this.holds.stopWhenStored(run, stop));
      run.inflight.delete(task.task_id);
    }
    const timer = run.retryTimers.get(task.task_id);
    if (timer) clearTimeout(timer);
    run.retryTimers.delete(task.task_id);
    this.rt.queue.remove(run.id, task.task_id);
    this.approvals.close(run, task, why, actor);
    this.writer.setStatus(
      run,
      task,
      'cancelled',
      { reason: why, finished_at: this.rt.iso(), retry_at: null },
      actor,
    );
  }

  /** Skips a task that has not started; what it waited on, if anything, is closed. */
  skip(run: ActiveRun, task: TaskRun, reason: string): void {
    this.rt.queue.remove(run.id, task.task_id);
    this.approvals.close(run, task, reason, ACTOR);
    this.writer.setStatus(run, task, 'skipped', { reason, finished_at: this.rt.iso() });
  }

  maybeFinish(run: ActiveRun): void {
    if (openTasks(run) > 0 || (run.decider?.pending ?? 0) > 0) return;
    // A person's rejection skips its task. An approval closed because its task was cancelled,
    // or the decider closed the run, is stored as rejected too, by the canceller (the task is
    // cancelled) or by the engine: neither is a person saying no.
    const rejected = this.store.approvals
      .listForRun(run.id)
      .some(
        (a) => a.status === 'rejected' && a.actor !== ACTOR && run.tasks.get(a.task_id)?.status === 'skipped',
      );
    this.finish(run, finalRunStatus(run.counts, rejected, run.decider?.cancelledAsClosed ?? 0));
  }

  /** Ends the run as `status`; `actor` ended it (a person cancelling it), else the engine. */
  finish(run: ActiveRun, status: RunStatus, actor = ACTOR): void {
    run.info = { ...run.info, status, finished_at: this.rt.iso() };
    this.store.runs.setStatus(run.id, status, this.rt.iso());
    this.writer.audit(
      'run',
      run.id,
      run.id,
      'executing',
      status,
      `run ${status}${actor === ACTOR ? '' : ` by ${actor}`}: ${run.counts.done} of ${run.tasks.size} tasks done`,
      actor,
    );
    this.writer.writeBuildLog(run, status);
    const final = snapshot(run);
    this.holds.drop(run, final);
    this.hooks.runEnded(run, status);
    this.rt.bus.emit('run.updated', final);
    this.indexing.schedule();
  }
}
