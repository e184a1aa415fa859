import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { Plan } from '../../src-shared/schemas/plan.ts';
import type { BuildResponse, Run, SpendReport, TaskRun } from '../../src-shared/schemas/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/run.ts';
import { decideByRules } from '../decider/rule-decider.ts';
import { AppError, invalidInput } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { SecretResolver } from '../secrets.ts';
import { createSecretResolver } from '../secrets.ts';
import type { Store } from '../store/store.ts';
import { AgentDirectory } from './agent-directory.ts';
import { AgentOutcomes } from './agent-outcomes.ts';
import { Attempts } from './attempts.ts';
import { BudgetLedger } from './budget.ts';
import type { Clock, Ids } from './clock.ts';
import { randomIds, systemClock } from './clock.ts';
import type { Decide } from './decider-runner.ts';
import { DeciderRunner } from './decider-runner.ts';
import type { Executor, ExecutorRegistry } from './executor.ts';
import { localOwner, RunLeases } from './leases.ts';
import { PullApi } from './pull-api.ts';
import { ReadyQueue } from './ready-queue.ts';
import type { RerunOrigin } from './run-launch.ts';
import { newRun, reusableTasks } from './run-launch.ts';
import type { ActiveRun } from './run-state.ts';
import { byTaskId, DEFAULT_CANCEL_ACTOR, delegations, Mailbox, snapshot, taskOf } from './run-state.ts';
import { RunWriter } from './run-writer.ts';
import { SearchIndexing } from './search-indexing.ts';
import { TaskFlow } from './task-flow.ts';

export type { Decide } from './decider-runner.ts';

export interface EngineOptions {
  store: Store;
  bus: EventBus;
  /** Executors by agent kind. An agent whose kind has none is pull-based: it takes work through the pull API. */
  executors: Partial<ExecutorRegistry>;
  clock?: Clock;
  ids?: Ids;
  random?: () => number;
  /** Identifies this process in run leases. */
  owner?: string;
  /** Most tasks this process runs at once, across all runs (DEFAULT_MAX_IN_FLIGHT). */
  maxInFlight?: number;
  leaseTtlMs?: number;
  /** The build log is rewritten at most this often while a run goes on (and always at its end). */
  buildLogIntervalMs?: number;
  /** Where per-attempt workspaces are created: `<root>/<run>/<task>/<attempt>`. */
  workspaceRoot: string;
  /** Runs a plan's decider (seed 002). Without it, only the rule-based decider is available. */
  decide?: Decide;
  secrets?: SecretResolver;
  /** Where errors no caller hears of go (reloading a run after a failed write). */
  log?: (err: unknown) => void;
}

/** How long a run given up after failed writes waits before it is taken up again. */
const RESUME_RETRY_MS = 30_000;

/** The global limit on tasks running at once, across runs, unless the app is given another. */
const DEFAULT_MAX_IN_FLIGHT = 512;

/** Every group of the ready queue (the next task in line, whatever it waits for). */
const anyGroup = (): boolean => true;

/** A global limit given by a person (`--max-in-flight`, `BATON_MAX_IN_FLIGHT`), or an error naming `what`. */
export function parseMaxInFlight(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new Error(`${what} must be a whole number of tasks from 1 to 100000, got "${raw}"`);
  return n;
}

/**
 * The orchestration engine. All state changes of one tick are committed in one transaction
 * before any executor starts or any event leaves; a restarted process resumes unfinished
 * runs from the store. This file composes the parts and runs the loop; see ARCHITECTURE.md.
 */
export class Engine {
  private readonly store: Store;
  private readonly bus: EventBus;
  private readonly clock: Clock;
  private readonly ids: Ids;
  private readonly owner: string;
  private readonly maxInFlight: number;
  private readonly leaseTtlMs: number;

  private readonly active = new Map<string, ActiveRun>();
  private readonly queue = new ReadyQueue();
  private readonly load = new Map<string, number>();
  private readonly loadOf = (agentId: string): number => this.load.get(agentId) ?? 0;
  private readonly waiters = new Map<string, ((run: Run) => void)[]>();
  private readonly mail = new Mailbox();
  private readonly writer: RunWriter;
  private readonly agents: AgentDirectory;
  private readonly indexing: SearchIndexing;
  private readonly leases: RunLeases;
  private readonly flow: TaskFlow;
  private readonly attempts: Attempts;
  private readonly decider: DeciderRunner;
  /** Seed 004's pull API: how people and daemons take, report and finish work (`pull-api.ts`). */
  readonly work: PullApi;
  private scheduled = false;
  private closed = false;
  private reloading = false;
  /** Runs given up after failed writes, waiting to be taken up again (`retryResume`). */
  private readonly resumeRetries = new Set<string>();
  private readonly log: (err: unknown) => void;

  constructor(opts: EngineOptions) {
    const store = opts.store;
    const bus = opts.bus;
    const clock = opts.clock ?? systemClock;
    const ids = opts.ids ?? randomIds;
    const buildLogIntervalMs = opts.buildLogIntervalMs ?? 250;
    const schedule = (): void => this.schedule();
    this.store = store;
    this.log = opts.log ?? (() => {});
    this.bus = bus;
    this.clock = clock;
    this.ids = ids;
    this.owner = opts.owner ?? localOwner();
    this.maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.leaseTtlMs = opts.leaseTtlMs ?? 30_000;
    const budget = new BudgetLedger(store, () => clock.now());
    const outcomes = new AgentOutcomes(store.runs, clock);
    const { active, queue, load, mail } = this;
    const writer = new RunWriter({
      store,
      bus,
      clock,
      ids,
      budget,
      buildLogIntervalMs,
      onEnded: (run, task) => this.decider.ask(run, task),
      beforeTx: () => this.leases.ensureFresh(),
      fence: () => this.leases.fence(),
      onRollback: (runIds) => this.reload(runIds),
    });
    const agents = new AgentDirectory(store, opts.executors, this.loadOf, (agentId) =>
      outcomes.successRate(agentId),
    );
    const indexing = new SearchIndexing(store, clock, () => active.size);
    const leases = new RunLeases(
      store,
      clock,
      this.owner,
      this.leaseTtlMs,
      active,
      (run) => {
        // Nothing here may change it again; whoever waits for it learns it goes on elsewhere.
        run.lost = true;
        this.flow.drop(run, snapshot(run));
      },
      this.log,
    );
    const flow = new TaskFlow({
      store,
      bus,
      clock,
      ids,
      random: opts.random ?? Math.random,
      owner: this.owner,
      buildLogIntervalMs,
      writer,
      budget,
      outcomes,
      agents,
      queue,
      active,
      load,
      waiters: this.waiters,
      mail,
      leases,
      indexing,
      schedule,
    });
    const attempts = new Attempts({
      store,
      bus,
      secrets: opts.secrets ?? createSecretResolver(),
      workspaceRoot: opts.workspaceRoot,
      writer,
      active,
      mail,
      schedule,
    });
    const decide: Decide =
      opts.decide ??
      (async (spec, ctx) => {
        if (spec.kind !== 'rules') throw new Error(`no ${spec.kind} decider is configured`);
        return { decision: decideByRules(ctx) };
      });
    this.decider = new DeciderRunner({
      store,
      bus,
      ids,
      writer,
      flow,
      agents,
      queue,
      active,
      decide,
      schedule,
    });
    this.work = new PullApi({
      store,
      clock,
      agents,
      queue,
      active,
      loadOf: this.loadOf,
      writer,
      flow,
      attempts,
      mail,
      runOf: (runId) => leases.activeRun(runId),
      tick: () => this.tick(),
    });
    this.writer = writer;
    this.agents = agents;
    this.indexing = indexing;
    this.leases = leases;
    this.flow = flow;
    this.attempts = attempts;
  }

  /** An agent as users should see it: ONLINE at capacity reads BUSY. */
  effectiveStatus(agent: Agent): Agent {
    return agent.status === 'ONLINE' && this.loadOf(agent.id) >= agent.max_concurrency
      ? { ...agent, status: 'BUSY' }
      : agent;
  }

  /** Call when the agent registry changed. */
  agentsChanged(): void {
    this.agents.changed();
    this.schedule();
  }

  // ---- runs ---------------------------------------------------------------------------

  /** Seed 000 build: creates the run, delegates every ready task, and answers at once. */
  startRun(planId: string): BuildResponse {
    const stored = this.store.plans.get(planId);
    if (!stored) throw new AppError('not_found', `plan "${planId}" not found`);
    return this.launch(stored.plan, stored.version, new Map(), null);
  }

  /**
   * Re-runs a finished run from one task: a new run of the same plan version in which that
   * task and everything downstream of it run again, and finished work upstream is reused
   * (outputs and all), never repeated. This is also how a failed task is retried.
   */
  rerunFrom(runId: string, taskId: string): BuildResponse {
    const old = this.store.runs.get(runId);
    if (!old) throw new AppError('not_found', `run "${runId}" not found`);
    if (old.status === 'executing') {
      throw new AppError('conflict', `run "${runId}" is still executing; cancel it or let it finish first`);
    }
    const stored = this.store.plans.get(old.plan_id, old.plan_version);
    if (!stored) throw new AppError('not_found', `plan "${old.plan_id}" v${old.plan_version} is gone`);
    const plan = stored.plan;
    const specs = byTaskId(plan.tasks);
    if (!specs.has(taskId)) {
      throw new AppError(
        'not_found',
        `task "${taskId}" is not in plan "${plan.plan_id}" v${old.plan_version}`,
      );
    }
    const reuse = reusableTasks(plan, specs, this.store.runs.tasks(runId), taskId);
    return this.launch(plan, stored.version, reuse, { runId, taskId });
  }

  private launch(
    plan: Plan,
    version: number,
    reuse: Map<string, TaskRun>,
    from: RerunOrigin | null,
  ): BuildResponse {
    // A decider that cannot answer would escalate every task of the run to a person.
    const decider = plan.decider;
    if (decider?.kind === 'llm') {
      const agent = decider.agent_id ? this.store.agents.get(decider.agent_id) : undefined;
      if (agent?.kind !== 'llm') {
        const message = decider.agent_id
          ? `"${decider.agent_id}" is not a registered llm agent: register it, or use the rules decider`
          : 'an llm decider needs the agent_id of a registered llm agent';
        throw invalidInput(`plan "${plan.plan_id}" cannot run`, [{ path: 'decider.agent_id', message }]);
      }
    }
    const now = this.writer.iso();
    const runId = this.ids.next('run');
    const memoryId = this.ids.next('mem');
    const fresh = newRun(plan, version, { runId, memoryId }, reuse, from, now);
    let active: ActiveRun | null = null;
    this.writer.tx(() => {
      this.store.runs.insertRun(
        { ...fresh.info, lease_owner: this.owner, lease_expires_at: this.clock.now() + this.leaseTtlMs },
        fresh.tasks,
      );
      this.store.memory.insert(fresh.log);
      this.writer.audit(
        'run',
        runId,
        runId,
        null,
        'executing',
        from
          ? `re-run of run ${from.runId} from task "${from.taskId}" (plan "${plan.plan_id}" v${version}; ${reuse.size} finished task(s) reused)`
          : `run of plan "${plan.plan_id}" v${version} started`,
      );
      active = this.flow.activate(plan, { fresh });
    });
    this.tick();
    const run = active!;
    const delegated = delegations(run);
    return {
      status:
        run.info.status === 'failed' || (run.info.status !== 'executing' && delegated.length === 0)
          ? 'failed'
          : 'executing',
      delegated_tasks: delegated,
      memory_id: memoryId,
      run_id: runId,
    };
  }

  /**
   * After a write that failed (and rolled back) changed these runs in memory: each is taken
   * down and resumed from the store, as after a restart, keeping whoever waits for it. If the
   * store fails again, the run stays down and is tried again 30 s later (`retryResume`).
   */
  private reload(runIds: string[]): void {
    // Resuming writes too: if that fails, its own rollback must not reload again (and again).
    if (this.reloading) return;
    this.reloading = true;
    try {
      for (const runId of runIds) {
        // Active, or ended in memory by the write that failed (the store says it goes on).
        const run = this.active.get(runId);
        if (run?.lost) continue;
        try {
          if (run) {
            this.flow.deactivate(run);
            this.active.delete(runId);
          }
          this.resumeUnfinished(runId);
        } catch (err) {
          this.active.delete(runId);
          this.log(err);
          this.retryResume(runId);
        }
      }
    } finally {
      this.reloading = false;
    }
  }

  /** Tries to take up a run given up after failed writes again later (the disk may have room by then). */
  private retryResume(runId: string): void {
    if (this.resumeRetries.has(runId)) return;
    this.resumeRetries.add(runId);
    const timer = setTimeout(() => {
      this.resumeRetries.delete(runId);
      if (!this.closed && !this.active.has(runId)) this.reload([runId]);
    }, RESUME_RETRY_MS);
    timer.unref();
  }

  /** Resumes every unfinished run whose lease is free (or only the run `only`). Returns the ids resumed. */
  resumeUnfinished(only?: string): string[] {
    const resumed: string[] = [];
    for (const runId of only !== undefined ? [only] : this.store.runs.unfinishedIds()) {
      if (this.active.has(runId)) continue;
      if (!this.leases.claim(runId)) continue;
      const run = this.store.runs.get(runId)!;
      const stored = this.store.plans.get(run.plan_id, run.plan_version);
      this.writer.tx(() => {
        if (!stored) {
          this.store.runs.setStatus(runId, 'failed', this.writer.iso());
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
        this.flow.activate(stored.plan, { stored: run });
        this.writer.audit('run', runId, runId, 'executing', 'executing', `resumed by ${this.owner}`);
      });
      if (stored) resumed.push(runId);
    }
    this.schedule();
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
        if (this.closed || this.active.has(runId) || this.resumeRetries.has(runId)) continue;
        try {
          this.resumeUnfinished(runId);
        } catch (err) {
          this.log(err);
        }
      }
    });
  }

  /**
   * A run this process executes, taken up first when no live process does (its lease ran out,
   * or its holder here died): a person can cancel, or decide for, a run whose process is gone.
   */
  private runHere(runId: string): ActiveRun {
    if (!this.active.has(runId)) this.resumeUnfinished(runId);
    return this.leases.activeRun(runId);
  }

  /** Cancels a run: every task not ended is cancelled and its agent stopped; `actor` is recorded. */
  cancelRun(runId: string, actor = DEFAULT_CANCEL_ACTOR): Run {
    const run = this.runHere(runId);
    this.writer.tx(() => {
      for (const t of run.tasks.values()) {
        if (!isTerminalTaskStatus(t.status)) this.flow.cancelOne(run, t, `run cancelled by ${actor}`, actor);
      }
      this.flow.finish(run, 'cancelled', actor);
    });
    return this.store.runs.get(runId)!;
  }

  /**
   * Cancels one task (stopping its agent), recording `actor`; its dependents are skipped unless
   * a condition accepts it. The run ends when nothing else is left (`finalRunStatus`).
   */
  cancelTask(runId: string, taskId: string, actor = DEFAULT_CANCEL_ACTOR): TaskRun {
    const run = this.runHere(runId);
    const task = taskOf(run, taskId);
    if (isTerminalTaskStatus(task.status))
      throw new AppError('conflict', `task "${taskId}" already ended ${task.status}`);
    this.writer.tx(() => {
      this.flow.cancelOne(run, task, `cancelled by ${actor}`, actor);
      this.flow.settleDependents(run, taskId);
      this.flow.maybeFinish(run);
    });
    this.schedule();
    return { ...task };
  }

  /** Records an approval decision and resumes (or skips) only the task that waited on it. */
  decideApproval(approvalId: string, approve: boolean, actor: string, comment: string | undefined): Approval {
    const approval = this.store.approvals.get(approvalId);
    if (!approval) throw new AppError('not_found', `approval "${approvalId}" not found`);
    if (approval.status !== 'pending') {
      throw new AppError('conflict', `approval "${approvalId}" was already ${approval.status}`);
    }
    const run = this.runHere(approval.run_id);
    const task = taskOf(run, approval.task_id);
    this.writer.tx(() => this.flow.decideGate(run, task, approval, approve, actor, comment));
    const decided = this.store.approvals.get(approvalId)!;
    this.bus.emit('approval.changed', decided);
    this.schedule();
    return decided;
  }

  /** Resolves when the run reaches a final status. */
  whenSettled(runId: string): Promise<Run> {
    // A run going on here is known without a query (one counts every task row of the run).
    if (!this.active.has(runId)) {
      const run = this.store.runs.get(runId);
      if (!run) return Promise.reject(new AppError('not_found', `run "${runId}" not found`));
      if (run.status !== 'executing') return Promise.resolve(run);
    }
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /**
   * What a run executed here waits for when nothing in this process will move it on by itself:
   * no attempt running here, no retry or decider answer due, no tick pending. Then its open
   * tasks wait for people (approvals, human or daemon agents) or for agents to come online.
   * Null while it can go on alone, or when it is not executed here. `baton run` uses it not to
   * wait forever for people it cannot reach.
   */
  waitingOnPeople(runId: string): TaskRun[] | null {
    const run = this.active.get(runId);
    if (!run || this.scheduled || run.retryTimers.size > 0 || run.pendingDecisions > 0) return null;
    for (const f of run.inflight.values()) if (f.ac !== null && !f.settled) return null;
    const waiting: TaskRun[] = [];
    for (const t of run.tasks.values())
      if (t.status === 'awaiting_approval' || t.status === 'ready' || t.status === 'in_progress')
        waiting.push({ ...t });
    return waiting;
  }

  /** What a run, plan or project has spent, against its budget. */
  spend(scope: 'run' | 'plan' | 'project', id: string): SpendReport {
    const spent = this.store.execution.spent(scope, id);
    let budget: number | null = null;
    if (scope === 'plan') budget = this.store.plans.get(id)?.plan.budget ?? null;
    if (scope === 'project') budget = this.store.projects.get(id)?.budget ?? null;
    return {
      scope,
      id,
      spent,
      budget,
      remaining: budget === null ? null : budget - spent,
      transactions: this.store.execution.transactions(scope, id),
    };
  }

  /** Stops work without changing any state: unfinished runs resume in the next process. */
  close(): void {
    this.closed = true;
    this.leases.stop();
    this.indexing.stop();
    for (const run of this.active.values()) this.flow.deactivate(run);
    this.active.clear();
  }

  // ---- the loop -----------------------------------------------------------------------

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.tick();
    });
  }

  /** One step: apply what happened, dispatch ready work, commit; then act on it. */
  private tick(): void {
    if (this.closed) return;
    const mail = this.mail;
    const completions = mail.completions;
    const notes = mail.notes;
    const due = mail.dueRetries;
    const decisions = this.decider.takeAnswers();
    mail.completions = [];
    mail.notes = [];
    mail.dueRetries = [];
    const toStart: [ActiveRun, TaskRun, Agent, Executor][] = [];
    this.flow.newTick();
    if (
      !this.tryTx(() => {
        // Conditions an earlier tick had no time left for come first (`MatchBudget`).
        this.flow.settleDeferred();
        for (const n of notes) this.attempts.applyNote(n);
        for (const c of completions) this.flow.complete(c);
        for (const d of decisions) this.decider.apply(d);
        for (const [runId, taskId] of due) {
          const run = this.active.get(runId);
          const task = run?.tasks.get(taskId);
          if (run && task?.status === 'ready' && task.retry_at !== null) {
            task.retry_at = null;
            this.writer.save(task);
            this.flow.enqueue(run, task);
          }
        }
        this.dispatch(toStart);
      })
    )
      return;
    for (const [run, task, agent, executor] of toStart) void this.attempts.start(run, task, agent, executor);
    // Build logs are summaries: written after the work this tick started, not on its way.
    const now = this.clock.now();
    const logs: ActiveRun[] = [];
    for (const run of this.active.values()) {
      if (run.logDirty && now - run.lastLogAt >= run.logEveryMs) logs.push(run);
      else if (run.logDirty && !run.logTimer) {
        run.logTimer = setTimeout(() => {
          run.logTimer = null;
          this.schedule();
        }, run.logEveryMs);
        run.logTimer.unref();
      }
    }
    if (logs.length > 0)
      this.tryTx(() => {
        for (const run of logs) this.writer.writeBuildLog(run, 'executing');
      });
    this.decider.runAsked();
  }

  /**
   * A tick's transaction. One that fails (a full disk) has had its runs reloaded from the store
   * (`reload`): the loop goes on with them, and the error goes to the log, not up through the
   * event loop (which would end the process).
   */
  private tryTx(fn: () => void): boolean {
    try {
      this.writer.tx(fn);
      return true;
    } catch (err) {
      this.log(err);
      this.schedule();
      return false;
    }
  }

  private dispatch(toStart: [ActiveRun, TaskRun, Agent, Executor][]): void {
    if (this.queue.size === 0) return;
    const { flow, writer } = this;
    const exhausted = new Set<string>();
    const now = this.clock.now();
    while (flow.inFlight < this.maxInFlight) {
      const next = this.queue.best(now, (g) => !exhausted.has(g.key));
      if (!next) break;
      const run = this.active.get(next.task.runId);
      if (!run) {
        this.queue.removeRun(next.task.runId);
        continue;
      }
      const task = run.tasks.get(next.task.taskId)!;
      const spec = run.specs.get(task.task_id)!;
      const m = this.agents.match(spec);
      if (m.kind === 'wait') {
        exhausted.add(next.group.key);
        if (task.reason !== m.reason) {
          task.reason = m.reason;
          task.match = m.explanation;
          writer.saveWithJson(task);
        }
        continue;
      }
      this.queue.remove(run.id, task.task_id);
      if (m.kind === 'unassigned') {
        writer.setStatus(run, task, 'unassigned', {
          reason: m.reason,
          match: m.explanation,
          finished_at: writer.iso(),
        });
        run.unassigned.set(task.task_id, { task_id: task.task_id, reason: m.reason });
        run.logDirty = true;
        flow.settleDependents(run, task.task_id);
        flow.maybeFinish(run);
        continue;
      }
      // A task queued without its approval because no agent could take it then is gated now.
      if (flow.gateBeforeStart(run, task, spec, m.agent)) continue;
      flow.assign(run, task, m.agent, m.explanation);
      flow.inFlight++;
      toStart.push([run, task, m.agent, this.agents.executorOf(m.agent)!]);
    }
    if (flow.inFlight >= this.maxInFlight) this.sayGlobalLimit(now);
  }

  /** The next task in line says it waits for the global limit (the rest queue behind it). */
  private sayGlobalLimit(now: number): void {
    const next = this.queue.best(now, anyGroup);
    const run = next && this.active.get(next.task.runId);
    const task = run?.tasks.get(next!.task.taskId);
    const reason = `Waiting for capacity: ${this.flow.inFlight} tasks running (global limit ${this.maxInFlight})`;
    if (!task || task.reason === reason) return;
    task.reason = reason;
    this.writer.save(task);
  }
}
