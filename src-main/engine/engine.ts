import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Approval, AskVerdict, ToolCallScope } from '../../src-shared/schemas/approval.ts';
import { isAskKind } from '../../src-shared/schemas/approval.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/plain/run.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { BuildResponse, Run, RunDetail, SpendReport, TaskRun } from '../../src-shared/schemas/run.ts';
import type { RunInputValues } from '../../src-shared/schemas/run-inputs.ts';
import type { TurnControlled, TurnState } from '../../src-shared/steering.ts';
import { BackgroundWork } from '../base/background.ts';
import { AppError } from '../base/errors.ts';
import { createSecretResolver } from '../secrets/secrets.ts';
import type { AgentLimitChange } from './agent-limits.ts';
import { assertDecisionFits } from './approvals/decision-fits.ts';
import { ASKS, type AttemptRef, type Question } from './approvals/kinds.ts';
import { pendingAlike } from './approvals/tool-grants.ts';
import { attemptWorkspace } from './attempt-leftovers.ts';
import { spendReport } from './budget.ts';
import { startAssigned, type ToStart } from './dispatcher.ts';
import type { EngineOptions } from './engine-options.ts';
import { runtimeOf } from './engine-options.ts';
import type { MessageHow } from './executor.ts';
import { buildParts, type EngineParts } from './parts.ts';
import type { PersonHandoffs } from './person-handoffs.ts';
import type { PullApi } from './pull-api.ts';
import type { Alongside } from './run-starts.ts';
import { buildResponse } from './run-starts.ts';
import type { ActiveRun } from './run-state.ts';
import { ACTOR, DEFAULT_CANCEL_ACTOR, liveDetail, taskOf } from './run-state.ts';
import type { Runtime } from './runtime.ts';
import { saidWhy, sayToTask } from './say.ts';
import { retryable } from './task-retry.ts';
import { TickBudget } from './tick-budget.ts';
import { tickHandlers } from './tick-handlers.ts';
import type { CallKind, ChangesRequest, TickHandlers, TickInputs } from './tick-inputs.ts';
import { applyInput, applyWithin } from './tick-inputs.ts';
import { controlTurn, type EngineTurnControl, turnState } from './turn-control.ts';
import type { WorkerClaims } from './worker-claims.ts';
import type { WorkerLeases } from './worker-leases.ts';

export type { Decide } from './decider-questions.ts';

/**
 * The orchestration engine. All state changes of one tick are committed in one transaction
 * before any executor starts or any event leaves; a restarted process resumes unfinished
 * runs from the store. This file composes the parts and runs the loop; see ARCHITECTURE.md.
 */
export class Engine {
  /** The pull API: how people and daemons take, report and finish work (`pull-api.ts`). */
  readonly work: PullApi;
  /** Work handed between people: the team's tasks, reassigned, given back (`person-handoffs.ts`). */
  readonly handoffs: PersonHandoffs;
  /** Remote workers' task leases (`worker-leases.ts`): heartbeats, reports, tasks given back. */
  readonly workers: WorkerLeases;
  /** Remote workers' claims and results (`worker-claims.ts`). */
  readonly claims: WorkerClaims;
  private readonly rt: Runtime;
  /** The engine's parts, built once on `rt` (`buildParts`). */
  private readonly parts: EngineParts;
  /** What each tick input does: the tick applies the queued ones, a call its own. */
  private readonly handlers: TickHandlers;
  /** The ticks' write transactions, whose failures (a full disk) are logged once in a row (`tryTx`). */
  private readonly writes: BackgroundWork;
  /** Each tick's time: past it, what is left waits for the next tick, and calls go in between. */
  private readonly budget: TickBudget;

  constructor(opts: EngineOptions) {
    // The loop is the engine's own: the runtime asks for its ticks.
    const rt = runtimeOf(opts, () => this.tick());
    const parts = buildParts(rt, {
      executors: opts.executors,
      kindTraits: opts.kindTraits,
      decide: opts.decide,
      secrets: opts.secrets ?? createSecretResolver(),
      ...(opts.attemptEnded ? { attemptEnded: opts.attemptEnded } : {}),
      ...(opts.workerLeaseMs !== undefined ? { workerLeaseMs: opts.workerLeaseMs } : {}),
    });
    this.rt = rt;
    this.parts = parts;
    this.work = parts.work;
    this.handoffs = parts.handoffs;
    this.workers = parts.workers;
    this.claims = parts.claims;
    this.workers.watch();
    this.handlers = tickHandlers(parts);
    this.writes = new BackgroundWork("the engine's writes", rt.log);
    this.budget = new TickBudget(opts.tickTimeMs);
    // Accounts limited before a restart stay limited until their reset, their timers armed again.
    parts.limits.start();
  }

  /** Every account limited now (a usage or rate limit), with the agents on it (`agents.limits`). */
  limits(): AgentLimitChange[] {
    return this.parts.limits.list();
  }

  /** An agent as users should see it: ONLINE at capacity reads BUSY. */
  effectiveStatus(agent: Agent): Agent {
    return agent.status === 'ONLINE' && this.rt.loadOf(agent.id) >= agent.max_concurrency
      ? { ...agent, status: 'BUSY' }
      : agent;
  }

  /** Call when the agent registry changed (or, `projects`, a project: its daily cap is read again). */
  agentsChanged(projects = false): void {
    if (projects) this.parts.agents.daily.projectsChanged();
    else this.parts.agents.changed();
    this.rt.schedule();
  }

  // ---- runs ---------------------------------------------------------------------------

  /**
   * Builds a run of the plan's `version` (else its latest): creates the run, delegates every ready
   * task, answers at once. `startedBy` (a person's name, `schedule`, `cli`, `mcp`) is recorded on
   * the run; `inputs` are checked against the plan's `run_inputs` and handed to every task as
   * `inputs.run`. `alongside` is called with the run's id in the transaction that stores the run,
   * before it is taken up: its writes commit with the run, a throw from it stores no run.
   */
  startRun(
    planId: string,
    startedBy = DEFAULT_CANCEL_ACTOR,
    inputs?: RunInputValues,
    alongside?: Alongside,
    version?: number,
  ): BuildResponse {
    return this.firstTick(() => this.parts.starts.start(planId, startedBy, inputs, alongside, version));
  }

  /**
   * Re-runs a finished run from one task: a new run of the same plan version in which that
   * task and everything downstream of it run again, and finished work upstream is reused
   * (outputs and all), never repeated. This is also how a failed task is retried. `alongside`
   * writes with the new run, as for `startRun` (a resume of kept work: its session).
   */
  rerunFrom(
    runId: string,
    taskId: string,
    startedBy = DEFAULT_CANCEL_ACTOR,
    alongside?: Alongside,
  ): BuildResponse {
    return this.firstTick(() => this.parts.starts.rerun(runId, taskId, startedBy, alongside));
  }

  /** A new run's first tick (with what its launch left of a tick's time) delegates its ready tasks; the answer says which. */
  private firstTick(launch: () => ActiveRun): BuildResponse {
    const t0 = performance.now();
    const run = launch();
    this.tick(performance.now() - t0);
    return buildResponse(run);
  }

  /** Resumes every unfinished run whose lease is free (or only the run `only`). Returns the ids resumed. */
  resumeUnfinished(only?: string): string[] {
    return this.parts.loader.resumeUnfinished(only);
  }

  /** From now on, takes up unfinished runs no live process executes, at each lease renewal (the long-lived hosts). */
  watchUnfinished(): void {
    this.parts.loader.watchUnfinished();
  }

  /** Cancels a run: every task not ended is cancelled and its agent stopped; `actor` is recorded. */
  cancelRun(runId: string, actor = DEFAULT_CANCEL_ACTOR): Run {
    const run = this.parts.loader.runHere(runId);
    this.applyNow({ kind: 'run.cancel', run, actor });
    return this.rt.store.runs.get(runId)!;
  }

  /**
   * Cancels one task (stopping its agent), recording `actor`; its dependents are skipped unless
   * a condition accepts it. The run ends when nothing else is left (`finalRunStatus`).
   */
  cancelTask(runId: string, taskId: string, actor = DEFAULT_CANCEL_ACTOR): TaskRun {
    const run = this.parts.loader.runHere(runId);
    const task = taskOf(run, taskId);
    if (isTerminalTaskStatus(task.status))
      throw new AppError('conflict', `task "${taskId}" already ended ${task.status}`);
    this.applyNow({ kind: 'task.cancel', run, task, actor });
    this.rt.schedule();
    return { ...task };
  }

  /** How the task's running attempt takes a person's message now, or null when it takes none. */
  listening(runId: string, taskId: string): MessageHow | null {
    return this.rt.messages.how(runId, taskId, () => this.rt.turns.heldAs(runId, taskId) !== null);
  }

  /** A person's words to a task's running attempt (`runs.say`, say.ts), by the agent's own means; audited. */
  say(runId: string, taskId: string, text: string, actor: string): ReturnType<typeof sayToTask> {
    const said = sayToTask(this.rt, runId, taskId, text, actor);
    const task = this.rt.active.get(runId)?.tasks.get(taskId);
    if (task) this.auditTask(task, saidWhy(said.delivery, text), actor);
    return said;
  }

  /** Words for a held agent's next turn, as `say`'s, that do not let a stopped turn go on (a revert while held). */
  tellHeld = (runId: string, taskId: string, text: string, actor: string) =>
    sayToTask(this.rt, runId, taskId, text, actor, false);

  /** Keeps the task held for `who` (a person's terminal, in words), or lets it go (null): Resume is refused meanwhile. */
  keepHeld = (runId: string, taskId: string, who: string | null) => this.rt.turns.keep(runId, taskId, who);

  /** True once the task's held agent waits between turns or its attempt ended; false after `ms`. */
  quietTurns = (runId: string, taskId: string, ms: number) => this.rt.turns.quiet(runId, taskId, ms);

  /** Stop this turn, Pause, Resume (a terminal's `between` too) of a coding task's agent (turn-control.ts) by `actor`; audited. */
  controlTurn(runId: string, taskId: string, control: EngineTurnControl, actor: string): TurnControlled {
    const done = controlTurn(this.rt, runId, taskId, control, actor);
    this.auditTask(done.task, done.says, actor);
    return { run_id: runId, task_id: taskId, ...done.state, says: done.says };
  }

  private auditTask(task: TaskRun, why: string, actor: string): void {
    const { loader, writer } = this.parts;
    loader.tx(() => writer.audit('task', task.task_id, task.run_id, task.status, task.status, why, actor));
  }

  /** How a task's agent is held now (stopped, paused by whom) and whether its turn can be stopped. */
  turns(runId: string, taskId: string): TurnState {
    return turnState(this.rt, runId, taskId);
  }

  /**
   * Retries a failed or unassigned task inside its run while the run executes (as Airflow clears
   * a task): one more attempt, and what was skipped because of it waits again (`task-retry.ts`).
   * An ended run is refused: a re-run from the task is the way there. A coding task's next
   * attempt starts from what the last one left, or from its start (`startClean`).
   */
  retryTask(runId: string, taskId: string, actor = DEFAULT_CANCEL_ACTOR, startClean = false): TaskRun {
    const stored = this.rt.store.runs.get(runId);
    if (stored && stored.status !== 'executing')
      throw new AppError(
        'conflict',
        `run "${runId}" already ${stored.status}: re-run it from "${taskId}" instead`,
      );
    const run = this.parts.loader.runHere(runId);
    const task = taskOf(run, taskId);
    // A task a person rejected stays skipped (an approval closed by a cancel or the engine is no rejection).
    const rejected = new Set(
      this.rt.store.approvals
        .listForRun(runId)
        .filter((a) => a.status === 'rejected' && a.actor !== ACTOR)
        .map((a) => a.task_id),
    );
    this.applyNow({ kind: 'task.retry', run, task, downstream: retryable(run, task, rejected), actor });
    if (startClean) run.startCleanNext.add(taskId);
    this.rt.schedule();
    return { ...task };
  }

  /**
   * Records an approval decision and resumes (or skips) only the task that waited on it. A
   * decision on what an attempt asked (a tool call, `input` the arguments approved instead; a merge
   * conflict) goes to the attempt that waits on it (`AttemptAsks`): the task does not move, no tick
   * is asked; a wider `scope` answers the tool's other waiting calls that `mayAlso` lets it.
   */
  decideApproval(
    approvalId: string,
    approve: boolean,
    actor: string,
    comment: string | undefined,
    changes: ChangesRequest | null = null,
    input?: Record<string, unknown>,
    scope?: ToolCallScope,
    mayAlso: (approvalId: string) => boolean = () => true,
  ): Approval {
    const { approvals, loader, asks } = this.parts;
    const approval = approvals.pending(approvalId);
    assertDecisionFits(approval, { approve, input, scope });
    if (changes) approvals.assertRequestChanges(approval);
    const { kind } = approval;
    if (isAskKind(kind)) {
      // A host asked about for a whole workspace is decided whether or not its run still goes.
      if (!ASKS[kind].outlivesAttempt) taskOf(loader.runHere(approval.run_id), approval.task_id);
      const d = {
        approve,
        actor,
        comment,
        ...(input === undefined ? {} : { input }),
        ...(scope === undefined ? {} : { scope }),
      };
      loader.tx(() => approvals.decideAsked(approval.run_id, { ...approval, kind }, d));
      asks.decided(approvalId);
      const decided = approvals.decided(approvalId);
      // The same tool's calls already waiting are answered by the grant too.
      for (const id of approve && scope ? pendingAlike(this.rt.store, approvalId, scope).filter(mayAlso) : [])
        try {
          this.decideApproval(id, true, actor, `allowed with ${approvalId}`);
        } catch {
          // Its run is not executed here, or its attempt ended: it stays for a person.
        }
      return decided;
    }
    const run = loader.runHere(approval.run_id);
    const task = taskOf(run, approval.task_id);
    this.applyNow({
      kind: 'approval.decision',
      run,
      task,
      approval: { ...approval, kind },
      approve,
      actor,
      comment,
      changes,
    });
    const decided = approvals.decided(approvalId);
    this.rt.schedule();
    return decided;
  }

  /**
   * Replaces the output of a task waiting for a person (its diff review): the reviewer of a
   * best-of task picked another candidate, whose work is now what the task answers once approved
   * (`src-main/agents/coding/best-of/pick.ts`). Refused unless the task waits.
   */
  replaceWaitingOutput(runId: string, taskId: string, output: unknown, actor: string, why: string): TaskRun {
    const { loader, writer } = this.parts;
    const run = loader.runHere(runId);
    const task = taskOf(run, taskId);
    if (task.status !== 'awaiting_approval')
      throw new AppError('conflict', `task "${taskId}" is ${task.status}, not waiting for its review`);
    loader.tx(() => {
      task.output = output;
      writer.saveWithJson(task);
      writer.audit('task', taskId, runId, task.status, task.status, why, actor);
    });
    return { ...task };
  }

  /**
   * An attempt this process's loop does not run asks a person (a CLI's permission prompt over MCP,
   * a remote worker's tool loop or merge, `inbox.ask`): the approval's id, and its decision if one
   * was made already (the same question asked again finds the same approval).
   */
  async ask(at: AttemptRef, q: Question): Promise<{ approval_id: string; verdict: AskVerdict | null }> {
    taskOf(this.parts.leases.activeRun(at.run_id), at.task_id);
    const shown = this.parts.asks.whenShown(at, q);
    if (shown) await shown.then(() => taskOf(this.parts.leases.activeRun(at.run_id), at.task_id));
    return this.parts.asks.open(at, q);
  }

  /** Waits up to `waitMs` for the decision on what an attempt asked: the verdict, or null. */
  waitAsked(approvalId: string, waitMs: number): Promise<AskVerdict | null> {
    return this.parts.asks.waitUpTo(approvalId, waitMs);
  }

  /** The attempt that asked stopped waiting before anyone answered (`AttemptAsks.expire`). */
  expireAsked(q: {
    approval_id: string;
    run_id: string;
    task_id: string;
    attempt: number;
    reason: string;
  }): Approval {
    return this.parts.asks.expire(q);
  }

  /**
   * Adds a task to a run executing here (`runs.addTask`: an agent over MCP) past the decider's
   * guardrails (`DeciderRunner.checkAddition`), recording `actor`. A run executed by another
   * process is refused, never taken up here.
   */
  addTask(runId: string, spec: TaskSpec, actor: string): TaskRun {
    const run = this.parts.leases.activeRun(runId);
    this.parts.decider.checkAddition(run, spec);
    this.applyNow({ kind: 'task.add', run, spec, actor });
    this.rt.schedule();
    return { ...run.tasks.get(spec.task_id)! };
  }

  /** Resolves when the run reaches a final status. */
  whenSettled(runId: string): Promise<Run> {
    // A run going on here is known without a query (one counts every task row of the run).
    if (!this.rt.active.has(runId)) {
      const run = this.rt.store.runs.get(runId);
      if (!run) return Promise.reject(new AppError('not_found', `run "${runId}" not found`));
      if (run.status !== 'executing') return Promise.resolve(run);
    }
    return new Promise((resolve) => {
      const waiters = this.rt.waiters;
      const list = waiters.get(runId) ?? [];
      list.push(resolve);
      waiters.set(runId, list);
    });
  }

  /** Where an attempt of a task works (`<workspaceRoot>/<run>/<task>/<attempt>`, as `Attempts` makes it). */
  attemptWorkspace(runId: string, taskId: string, attempt: number): string {
    return attemptWorkspace(this.rt.config.workspaceRoot, runId, taskId, attempt);
  }

  isActive(runId: string): boolean {
    return this.rt.active.has(runId);
  }

  /** A run executed here with its tasks, from memory (`liveDetail`); null when it is not. */
  liveDetail(runId: string): RunDetail | null {
    const run = this.rt.active.get(runId);
    return run ? liveDetail(run) : null;
  }

  /**
   * What a run executed here waits for when nothing in this process will move it on by itself:
   * no attempt running here, no retry or decider answer due, no tick pending. Then its open
   * tasks wait for people (approvals, human or daemon agents) or for agents to come online.
   * Null while it can go on alone, or when it is not executed here. `baton run` uses it not to
   * wait forever for people it cannot reach.
   */
  waitingOnPeople(runId: string): TaskRun[] | null {
    const run = this.rt.active.get(runId);
    if (!run || this.rt.tickPending || run.retryTimers.size > 0 || (run.decider?.pending ?? 0) > 0)
      return null;
    // An attempt waiting for a person (to allow a tool call, to resolve a merge conflict) is waiting on people too.
    const { asks } = this.parts;
    for (const [taskId, f] of run.inflight)
      if (f.ac !== null && !f.settled && !asks.isWaiting(run.id, taskId)) return null;
    const waiting: TaskRun[] = [];
    for (const t of run.tasks.values())
      if (t.status === 'awaiting_approval' || t.status === 'ready' || t.status === 'in_progress')
        waiting.push({ ...t });
    return waiting;
  }

  /** What a run, plan or project has spent, against its budget. */
  spend(scope: 'run' | 'plan' | 'project', id: string): SpendReport {
    return spendReport(this.rt.store, scope, id);
  }

  /** Stops work, state unchanged (runs resume later); resolves once every attempt's programs are gone. */
  close(): Promise<void> {
    this.rt.closed = true;
    this.parts.leases.stop();
    this.parts.workers.stop();
    this.parts.indexing.stop();
    this.parts.limits.stop();
    this.parts.agents.daily.stop();
    for (const run of this.rt.active.values()) this.parts.holds.deactivate(run);
    this.rt.active.clear();
    return this.rt.attempts.allStopped();
  }

  // ---- the loop -----------------------------------------------------------------------

  /** A call's input (a cancel, a decision) applied at once in a transaction: it answers once stored. */
  private applyNow(input: TickInputs[CallKind]): void {
    this.parts.loader.tx(() => applyInput(this.handlers, input));
  }

  /**
   * One step: apply what happened, dispatch ready work, commit; then act on it. A tick that runs
   * out of time (`TickBudget`) commits what it did and asks for the next tick at once: what it
   * had no time for waits in the inbox and the queue, and calls go in between.
   */
  private tick(spentMs = 0): void {
    const { rt, budget } = this;
    if (rt.closed) return;
    const { flow, attempts, writer, questions } = this.parts;
    budget.renew(spentMs);
    const inputs = rt.inbox.take();
    const toStart: ToStart[] = [];
    let more = false;
    flow.dependents.newTick();
    const stored = this.tryTx(() => {
      // Conditions an earlier tick had no time left for come first (`MatchBudget`).
      flow.dependents.settleDeferred();
      const rest = applyWithin(this.handlers, inputs, budget);
      if (rest) rt.inbox.putBack(rest);
      more = this.parts.dispatcher.fill(toStart, budget) || rest !== null;
    });
    // What a tick that failed assigned never starts (its runs, reloaded, gave back their places).
    if (!stored) return;
    startAssigned(rt, attempts, toStart);
    // Build logs are summaries: written after the work this tick started, the rest next tick.
    const logs = writer.dueBuildLogs();
    if (logs.length > 0)
      this.tryTx(() => {
        if (writer.writeBuildLogs(logs, budget)) more = true;
      });
    questions.send();
    budget.end();
    if (more) rt.schedule();
  }

  /**
   * A tick's transaction. One that fails (a full disk) has had its runs reloaded from the store
   * (`RunLoader.tx`): the loop goes on with them, and the error goes to the log (once while the
   * writes go on failing), not up through the event loop (which would end the process).
   */
  private tryTx(fn: () => void): boolean {
    try {
      this.parts.loader.txBehind(fn);
    } catch (err) {
      this.writes.failed(err);
      this.rt.schedule();
      return false;
    }
    this.writes.succeeded();
    return true;
  }
}
