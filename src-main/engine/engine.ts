import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import type { PreparedContext, PulledTask } from '../../src-shared/contract/domains.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Approval, ApprovalKind } from '../../src-shared/schemas/approval.ts';
import type { DeciderSpec, Decision, DecisionContext } from '../../src-shared/schemas/decision.ts';
import type { AuditEntry, BuildLogContent, MemoryEntry } from '../../src-shared/schemas/memory.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import { taskSpecSchema } from '../../src-shared/schemas/plan.ts';
import type {
  AgentExecutionStats,
  BuildResponse,
  DelegatedTask,
  MatchExplanation,
  Run,
  RunStatus,
  SpendReport,
  TaskCounts,
  TaskRun,
  TaskStatus,
  UnassignedTask,
} from '../../src-shared/schemas/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/run.ts';
import type { EventBus } from '../app/event-bus.ts';
import { decideByRules } from '../decider/rule-decider.ts';
import { AppError } from '../errors.ts';
import type { SecretResolver } from '../secrets.ts';
import { createSecretResolver } from '../secrets.ts';
import { emptyCounts } from '../store/runs-repo.ts';
import type { Store } from '../store/store.ts';
import { AgentOutcomes } from './agent-outcomes.ts';
import { retryDelay } from './backoff.ts';
import { BudgetLedger } from './budget.ts';
import type { Clock, Ids } from './clock.ts';
import { randomIds, systemClock } from './clock.ts';
import type { DependentVerdict } from './conditions.ts';
import { decideDependent } from './conditions.ts';
import { decidedTask, descriptionKey, escalationTask, guardDecision } from './decisions.ts';
import type { Executor, ExecutorEvent, ExecutorRegistry, TaskContext } from './executor.ts';
import { isExecutingKind } from './executor.ts';
import type { MatchResult } from './matching.ts';
import { matchAgent, missingSkills } from './matching.ts';
import { ReadyQueue } from './ready-queue.ts';
import { prepareContext } from './task-context.ts';
import { assertTransition } from './task-state.ts';

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
}

interface InFlight {
  ac: AbortController | null; // null: a pull agent is doing it elsewhere
  timer: NodeJS.Timeout | null;
  settled: boolean;
}

interface ActiveRun {
  id: string;
  plan: Plan;
  memoryId: string;
  /** The run row as loaded; status and counts are kept current in memory. */
  info: Omit<Run, 'counts'>;
  counts: TaskCounts;
  /** The build_log entry as last written, without its content (rebuilt on each write). */
  log: MemoryEntry;
  specs: Map<string, TaskSpec>;
  tasks: Map<string, TaskRun>;
  dependents: Map<string, string[]>;
  inflight: Map<string, InFlight>;
  retryTimers: Map<string, NodeJS.Timeout>;
  /** `${kind}:${taskId}` for approvals granted, so a gate is passed once. */
  approved: Set<string>;
  /** Tasks in the order they were first delegated; each reads as its latest delegation. */
  delegated: Set<TaskRun>;
  unassigned: Map<string, UnassignedTask>;
  /** Tasks that left artifacts (so dependents look them up). */
  withArtifacts: Set<string>;
  /** Usage cost reported by agents for the current attempt of a task. */
  usage: Map<string, number>;
  open: number;
  done: number;
  /** Seed 002: the plan's decider, decisions asked for and not yet applied, tasks it added. */
  decider: DeciderSpec | null;
  pendingDecisions: number;
  /** The decider declared the project complete: the run ends `completed`. */
  closedByDecider: boolean;
  added: Set<string>;
  addedDescriptions: Set<string>;
  /** Tasks that are a person's decision (escalations): done when approved. */
  gates: Set<string>;
  /** The last tasks that ended, newest first (for deciders). */
  history: { task_id: string; status: string; agent_id: string | null }[];
  logDirty: boolean;
  lastLogAt: number;
  /** How often the build log is rewritten: the configured interval, longer for logs so big that writing one costs more than 2% of it. */
  logEveryMs: number;
  logTimer: NodeJS.Timeout | null;
}

interface Completion {
  runId: string;
  taskId: string;
  attempt: number;
  ok: boolean;
  output?: unknown;
  error?: string;
}

interface Note {
  runId: string;
  taskId: string;
  attempt: number;
  event: ExecutorEvent;
}

export type Decide = (
  spec: DeciderSpec,
  ctx: DecisionContext,
) => Promise<{ decision: Decision; problems?: string[]; cost?: number }>;

interface DecisionDone {
  runId: string;
  taskId: string;
  ctx: DecisionContext;
  decision: Decision;
  problems: string[];
}

export interface WorkCriteria {
  run_id?: string | undefined;
  plan_id?: string | undefined;
}

const ACTOR = 'engine';
/** The global limit on tasks running at once, across runs, unless the app is given another. */
const DEFAULT_MAX_IN_FLIGHT = 512;

/** A global limit given by a person (`--max-in-flight`, `BATON_MAX_IN_FLIGHT`), or an error naming `what`. */
export function parseMaxInFlight(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new Error(`${what} must be a whole number of tasks from 1 to 100000, got "${raw}"`);
  return n;
}
/** Rows per index brought into the search index in one background step. */
const INDEX_CHUNK = 500;
/** How long background indexing waits for runs to end before it takes a chunk anyway. */
const INDEX_POSTPONE_MS = 30_000;

/** A map by task id, built without an entry array per task (plans can have 100,000). */
function byTaskId<T extends { task_id: string }>(list: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of list) map.set(item.task_id, item);
  return map;
}

/** Records `spec` as a dependent of each task it depends on. */
function addDependents(dependents: Map<string, string[]>, spec: TaskSpec): void {
  for (const dep of spec.depends_on) {
    const list = dependents.get(dep);
    if (list) list.push(spec.task_id);
    else dependents.set(dep, [spec.task_id]);
  }
}

/** Ends an attempt's flight: it settles nothing more, its timeout is cleared and its agent stopped. */
function stopFlight(flight: InFlight, why: string): void {
  flight.settled = true;
  if (flight.timer) clearTimeout(flight.timer);
  flight.ac?.abort(new Error(why));
}

/** Seed 000's delegated_tasks of a run. */
function delegations(run: ActiveRun): DelegatedTask[] {
  const out: DelegatedTask[] = [];
  for (const t of run.delegated) {
    if (t.agent_id === null || t.delegation_task_id === null) continue;
    out.push({ task_id: t.task_id, assigned_agent: t.agent_id, delegation_task_id: t.delegation_task_id });
  }
  return out;
}

/**
 * The orchestration engine. All state changes of one tick are committed in one transaction
 * before any executor starts or any event leaves; a restarted process resumes unfinished
 * runs from the store. See ARCHITECTURE.md.
 */
export class Engine {
  private readonly store: Store;
  private readonly bus: EventBus;
  private readonly executors: Partial<ExecutorRegistry>;
  private readonly clock: Clock;
  private readonly ids: Ids;
  private readonly random: () => number;
  readonly owner: string;
  private readonly maxInFlight: number;
  private readonly leaseTtlMs: number;
  private readonly buildLogIntervalMs: number;
  private readonly workspaceRoot: string;
  private readonly secrets: SecretResolver;

  private readonly active = new Map<string, ActiveRun>();
  private readonly queue = new ReadyQueue();
  private readonly load = new Map<string, number>();
  private readonly loadOf = (agentId: string): number => this.load.get(agentId) ?? 0;
  private readonly outcomes: AgentOutcomes;
  private readonly successRate = (agentId: string): number => this.outcomes.successRate(agentId);
  private readonly budget: BudgetLedger;
  private readonly waiters = new Map<string, ((run: Run) => void)[]>();
  private completions: Completion[] = [];
  private notes: Note[] = [];
  private dueRetries: [string, string][] = [];
  private decisionsDone: DecisionDone[] = [];
  private decisionsAsked: (() => void)[] = [];
  private readonly decide: Decide;
  private inFlight = 0;
  private scheduled = false;
  private agents: Map<string, { agent: Agent; skills: Set<string> }> | null = null;
  /** The registry split by who runs the work: this process (push) or the agent itself (pull). */
  private byKind: { push: Agent[]; pull: Agent[] } | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(opts: EngineOptions) {
    this.store = opts.store;
    this.budget = new BudgetLedger(opts.store, () => this.clock.now());
    this.bus = opts.bus;
    this.executors = opts.executors;
    this.clock = opts.clock ?? systemClock;
    this.outcomes = new AgentOutcomes(opts.store.runs, this.clock);
    this.ids = opts.ids ?? randomIds;
    this.random = opts.random ?? Math.random;
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:${randomIds.next('engine')}`;
    this.maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.leaseTtlMs = opts.leaseTtlMs ?? 30_000;
    this.buildLogIntervalMs = opts.buildLogIntervalMs ?? 250;
    this.workspaceRoot = opts.workspaceRoot;
    this.decide =
      opts.decide ??
      (async (spec, ctx) => {
        if (spec.kind !== 'rules') throw new Error(`no ${spec.kind} decider is configured`);
        return { decision: decideByRules(ctx) };
      });
    this.secrets = opts.secrets ?? createSecretResolver();
  }

  /** The executor for an agent, or undefined for agents that pull work (humans, daemons). */
  private executorOf(agent: Agent): Executor | undefined {
    return isExecutingKind(agent.kind) ? this.executors[agent.kind] : undefined;
  }

  /** An agent as users should see it: ONLINE at capacity reads BUSY. */
  effectiveStatus(agent: Agent): Agent {
    return agent.status === 'ONLINE' && this.loadOf(agent.id) >= agent.max_concurrency
      ? { ...agent, status: 'BUSY' }
      : agent;
  }

  /** Call when the agent registry changed. */
  agentsChanged(): void {
    this.agents = null;
    this.byKind = null;
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
    const dependents = new Map<string, string[]>();
    for (const t of plan.tasks) addDependents(dependents, t);
    const again = new Set([taskId]);
    for (const id of again) for (const d of dependents.get(id) ?? []) again.add(d);
    const reuse = new Map<string, TaskRun>();
    for (const t of this.store.runs.tasks(runId)) {
      if (t.status === 'done' && !again.has(t.task_id) && specs.has(t.task_id)) reuse.set(t.task_id, t);
    }
    return this.launch(plan, stored.version, reuse, { runId, taskId });
  }

  private launch(
    plan: Plan,
    version: number,
    reuse: Map<string, TaskRun>,
    from: { runId: string; taskId: string } | null,
  ): BuildResponse {
    const now = this.iso();
    const runId = this.ids.next('run');
    const memoryId = this.ids.next('mem');
    const row = (task_id: string, status: TaskStatus, reason: string | null): TaskRun => ({
      run_id: runId,
      task_id,
      status,
      agent_id: null,
      delegation_task_id: null,
      attempt: 0,
      reason,
      match: null,
      output: null,
      error: null,
      started_at: null,
      finished_at: null,
      updated_at: now,
      progress: null,
      progress_message: null,
      retry_at: null,
      cost: 0,
    });
    const reused = from ? `reused from run ${from.runId}` : null;
    const tasks = plan.tasks.map((t): TaskRun => {
      const old = reuse.get(t.task_id);
      if (old) return { ...old, run_id: runId, reason: reused, cost: 0, retry_at: null, updated_at: now };
      const waiting = reuse.size === 0 ? t.depends_on : t.depends_on.filter((d) => !reuse.has(d));
      return waiting.length === 0
        ? row(t.task_id, 'ready', null)
        : row(t.task_id, 'blocked', `waiting for ${waiting.join(', ')}`);
    });
    const info: Omit<Run, 'counts'> = {
      id: runId,
      plan_id: plan.plan_id,
      plan_version: version,
      project_id: plan.project_id ?? null,
      status: 'executing',
      memory_id: memoryId,
      created_at: now,
      finished_at: null,
    };
    let active: ActiveRun | null = null;
    this.tx(() => {
      this.store.runs.insertRun(
        { ...info, lease_owner: this.owner, lease_expires_at: this.clock.now() + this.leaseTtlMs },
        tasks,
      );
      const content: BuildLogContent = {
        plan_id: plan.plan_id,
        delegated_tasks: [],
        unassigned_tasks: [],
        timestamp: now,
      };
      const log: MemoryEntry & { plan_id: string | null } = {
        id: memoryId,
        agent_id: 'orchestrator',
        type: 'build_log',
        content,
        tags: ['build_log', `plan:${plan.plan_id}`],
        project_id: plan.project_id ?? null,
        status: 'executing',
        task_type: 'build',
        task_id: plan.plan_id,
        plan_id: plan.plan_id,
        created_at: now,
        updated_at: now,
      };
      this.store.memory.insert(log);
      this.audit(
        'run',
        runId,
        runId,
        null,
        'executing',
        from
          ? `re-run of run ${from.runId} from task "${from.taskId}" (plan "${plan.plan_id}" v${version}; ${reuse.size} finished task(s) reused)`
          : `run of plan "${plan.plan_id}" v${version} started`,
      );
      active = this.activate(runId, plan, memoryId, { info, tasks, log });
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

  /** Resumes every unfinished run whose lease is free. Returns the ids resumed. */
  resumeUnfinished(): string[] {
    const resumed: string[] = [];
    for (const runId of this.store.runs.unfinishedIds()) {
      if (this.active.has(runId)) continue;
      if (!this.store.runs.takeLease(runId, this.owner, this.clock.now(), this.leaseTtlMs)) {
        // A process on this machine that died (crash, SIGKILL) cannot renew its lease: take it now.
        const holder = this.store.runs.leaseOwner(runId);
        if (!holder || !isDeadLocalOwner(holder)) continue;
        if (!this.store.runs.stealLease(runId, holder, this.owner, this.clock.now(), this.leaseTtlMs))
          continue;
      }
      const run = this.store.runs.get(runId)!;
      const stored = this.store.plans.get(run.plan_id, run.plan_version);
      this.tx(() => {
        if (!stored) {
          this.store.runs.setStatus(runId, 'failed', this.iso());
          this.audit(
            'run',
            runId,
            runId,
            'executing',
            'failed',
            'its plan version is missing; the run cannot resume',
          );
          return;
        }
        this.activate(runId, stored.plan, run.memory_id);
        this.audit('run', runId, runId, 'executing', 'executing', `resumed by ${this.owner}`);
      });
      if (stored) resumed.push(runId);
    }
    this.schedule();
    return resumed;
  }

  cancelRun(runId: string): Run {
    const run = this.activeRun(runId);
    this.tx(() => {
      for (const t of run.tasks.values()) {
        if (!isTerminalTaskStatus(t.status)) this.cancelOne(run, t, 'run cancelled');
      }
      this.finish(run, 'cancelled');
    });
    return this.store.runs.get(runId)!;
  }

  /** Cancels one task (stopping its agent); its dependents are skipped unless a condition accepts it. */
  cancelTask(runId: string, taskId: string): TaskRun {
    const run = this.activeRun(runId);
    const task = this.taskOf(run, taskId);
    if (isTerminalTaskStatus(task.status))
      throw new AppError('conflict', `task "${taskId}" already ended ${task.status}`);
    this.tx(() => {
      this.cancelOne(run, task, 'cancelled by request');
      this.settleDependents(run, taskId);
      this.maybeFinish(run);
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
    const run = this.activeRun(approval.run_id);
    const task = this.taskOf(run, approval.task_id);
    const status = approve ? 'approved' : 'rejected';
    this.tx(() => {
      const at = this.iso();
      this.store.approvals.decide({
        id: approvalId,
        status,
        decided_at: at,
        actor,
        comment: comment ?? null,
      });
      this.store.memory.audit({
        at,
        actor,
        entity: 'approval',
        entity_id: approvalId,
        run_id: run.id,
        from_status: 'pending',
        to_status: status,
        why: `${approval.kind} for task "${task.task_id}"${comment ? `: ${comment}` : ''}`,
      });
      if (task.status !== 'awaiting_approval') return;
      if (approve && run.gates.has(task.task_id)) {
        // An escalation is a person's decision: approving it is the work.
        run.approved.add(`${approval.kind}:${task.task_id}`);
        this.setStatus(run, task, 'ready', { reason: `approved by ${actor}` }, actor);
        this.setStatus(
          run,
          task,
          'in_progress',
          { agent_id: actor, attempt: 1, started_at: this.iso() },
          actor,
        );
        this.setStatus(
          run,
          task,
          'done',
          { output: { decided_by: actor, comment: comment ?? null }, finished_at: this.iso() },
          actor,
        );
        run.done++;
        this.settleDependents(run, task.task_id);
        this.maybeFinish(run);
      } else if (approve) {
        run.approved.add(`${approval.kind}:${task.task_id}`);
        this.setStatus(run, task, 'ready', { reason: `approved by ${actor}` }, actor);
        this.enqueueOrGate(run, task);
      } else {
        const why = `rejected by ${actor}${comment ? `: ${comment}` : ''}`;
        this.setStatus(run, task, 'skipped', { reason: why, finished_at: this.iso() }, actor);
        this.settleDependents(run, task.task_id);
        this.maybeFinish(run);
      }
    });
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
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    if (this.indexTimer) clearTimeout(this.indexTimer);
    for (const run of this.active.values()) this.deactivate(run);
    this.active.clear();
  }

  // ---- seed 004 pull API ----------------------------------------------------------------

  /** The highest-scoring ready task this agent can take, or null with the reason. */
  selectNextTask(agentId: string, criteria: WorkCriteria = {}): { task: PulledTask | null; reason?: string } {
    const entry = this.agentEntry(agentId);
    const { agent, skills } = entry;
    if (agent.status !== 'ONLINE' && agent.status !== 'BUSY')
      return { task: null, reason: `agent is ${agent.status}` };
    if (this.loadOf(agentId) >= agent.max_concurrency) return { task: null, reason: 'agent is at capacity' };
    const best = this.queue.best(this.clock.now(), (g) => {
      if (criteria.run_id && g.runId !== criteria.run_id) return false;
      if (g.pin && g.pin !== agentId) return false;
      if (criteria.plan_id && this.active.get(g.runId)?.plan.plan_id !== criteria.plan_id) return false;
      for (const s of g.skills) if (!skills.has(s)) return false;
      return true;
    });
    if (!best) return { task: null, reason: 'no ready task matches this agent' };
    return { task: this.pulled(best.task.runId, best.task.taskId, best.score) };
  }

  private pulled(runId: string, taskId: string, score: number): PulledTask {
    const run = this.active.get(runId)!;
    const spec = run.specs.get(taskId)!;
    return {
      run_id: run.id,
      plan_id: run.plan.plan_id,
      task_id: spec.task_id,
      description: spec.description,
      required_skills: spec.required_skills,
      priority: spec.priority,
      deadline: spec.deadline ?? null,
      score,
    };
  }

  /** What a person or daemon sees: ready tasks they could take (best first) and tasks they hold. */
  inbox(agentId: string): { ready: PulledTask[]; in_progress: TaskRun[] } {
    const { agent, skills } = this.agentEntry(agentId);
    const ready = this.queue
      .list(
        this.clock.now(),
        (g) => (!g.pin || g.pin === agent.id) && g.skills.every((s) => skills.has(s)),
        100,
      )
      .map(({ task, score }) => this.pulled(task.runId, task.taskId, score));
    const held: TaskRun[] = [];
    for (const run of this.active.values()) {
      for (const t of run.tasks.values())
        if (t.status === 'in_progress' && t.agent_id === agentId) held.push({ ...t });
    }
    return { ready, in_progress: held };
  }

  prepareTaskContext(agentId: string, runId: string, taskId: string): PreparedContext {
    const { agent } = this.agentEntry(agentId);
    const run = this.activeRun(runId);
    const task = this.taskOf(run, taskId);
    if (task.agent_id !== null && task.agent_id !== agentId && task.status === 'in_progress') {
      throw new AppError('conflict', `Task ${taskId} is not assigned to agent ${agentId}`);
    }
    return prepareContext(
      run.id,
      run.plan,
      run.specs.get(taskId)!,
      task,
      agent,
      run.tasks,
      run.specs,
      run.dependents,
    );
  }

  /** Seed 004 executeTask: the agent takes the task; dependencies not met → blocked. */
  executeTask(
    agentId: string,
    runId: string,
    taskId: string,
  ): { status: 'in_progress' | 'blocked' | 'awaiting_approval'; error?: string; context?: PreparedContext } {
    const { agent } = this.agentEntry(agentId);
    const run = this.activeRun(runId);
    const task = this.taskOf(run, taskId);
    const spec = run.specs.get(taskId)!;
    if (task.status === 'in_progress') {
      if (task.agent_id !== agentId)
        throw new AppError('conflict', `Task ${taskId} is not assigned to agent ${agentId}`);
      return { status: 'in_progress', context: this.prepareTaskContext(agentId, runId, taskId) };
    }
    if (task.status === 'blocked' || task.status === 'pending') {
      return { status: 'blocked', error: `Dependencies not met: ${task.reason ?? 'waiting'}` };
    }
    if (task.status === 'awaiting_approval')
      return { status: 'awaiting_approval', error: task.reason ?? 'awaiting approval' };
    if (task.status !== 'ready' || !this.queue.has(runId, taskId)) {
      throw new AppError(
        'conflict',
        `Task ${taskId} is ${task.status}${task.retry_at ? ' (waiting to retry)' : ''}`,
      );
    }
    const missing = missingSkills(agent, spec.required_skills);
    if (missing.length > 0)
      throw new AppError('conflict', `Agent lacks required skills: ${missing.join(', ')}.`);
    if (spec.agent && spec.agent !== agentId)
      throw new AppError('conflict', `Task ${taskId} is pinned to agent ${spec.agent}`);
    if (agent.status !== 'ONLINE' && agent.status !== 'BUSY')
      throw new AppError('conflict', `agent is ${agent.status}`);
    if (this.loadOf(agentId) >= agent.max_concurrency) throw new AppError('conflict', 'agent is at capacity');
    let gated = false;
    this.tx(() => {
      this.queue.remove(runId, taskId);
      const over = this.overBudget(run, spec, agent);
      if (over) {
        this.gate(run, task, 'budget', over.reason, over.cost);
        gated = true;
        return;
      }
      this.assign(run, task, agent, { agent_id: agentId, score: null, rejected: [] });
      run.inflight.set(taskId, { ac: null, timer: null, settled: false });
    });
    if (gated) return { status: 'awaiting_approval', error: task.reason ?? 'awaiting approval' };
    return { status: 'in_progress', context: this.prepareTaskContext(agentId, runId, taskId) };
  }

  /** Seed 004 updateTaskProgress; progress is 0–100 (validated at the edge), history kept. */
  updateTaskProgress(u: {
    agent_id: string;
    run_id: string;
    task_id: string;
    progress: number;
    message?: string | undefined;
    metadata?: unknown;
  }): TaskRun {
    const { run, task } = this.assigned(u.agent_id, u.run_id, u.task_id);
    this.tx(() => this.applyProgress(run, task, u.progress, u.message ?? null, u.metadata));
    return { ...task };
  }

  /** Seed 004 completeTask: ends the attempt and unblocks dependents. */
  completeTask(c: {
    agent_id: string;
    run_id: string;
    task_id: string;
    status: 'completed' | 'failed';
    output?: unknown;
    error?: string | undefined;
    files?: { name: string; content: string; encoding: 'utf8' | 'base64' }[] | undefined;
  }): { task: TaskRun; unblocked: string[] } {
    const { run, task } = this.assigned(c.agent_id, c.run_id, c.task_id);
    if (c.files && c.files.length > 0) this.storeFiles(run, task, c.files);
    const before = new Map((run.dependents.get(c.task_id) ?? []).map((d) => [d, run.tasks.get(d)!.status]));
    const flight = run.inflight.get(c.task_id);
    if (flight) flight.settled = true;
    run.inflight.delete(c.task_id);
    this.completions.push({
      runId: c.run_id,
      taskId: c.task_id,
      attempt: task.attempt,
      ok: c.status === 'completed',
      output: c.output ?? null,
      error: c.error ?? 'the agent reported a failure',
    });
    this.tick();
    const unblocked = [...before]
      .filter(
        ([d, s]) =>
          s !== run.tasks.get(d)!.status &&
          ['ready', 'awaiting_approval', 'in_progress'].includes(run.tasks.get(d)!.status),
      )
      .map(([d]) => d);
    return { task: { ...task }, unblocked };
  }

  /** Files a person or daemon handed in: written to the attempt's workspace, recorded as artifacts. */
  private storeFiles(
    run: ActiveRun,
    task: TaskRun,
    files: { name: string; content: string; encoding: 'utf8' | 'base64' }[],
  ): void {
    const dir = join(this.workspaceRoot, run.id, task.task_id, String(task.attempt));
    mkdirSync(dir, { recursive: true });
    this.tx(() => {
      for (const f of files) {
        const bytes = Buffer.from(f.content, f.encoding);
        const path = join(dir, basename(f.name));
        writeFileSync(path, bytes);
        this.recordArtifact(run, task, {
          name: basename(f.name),
          path,
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        });
      }
    });
  }

  getAgentExecutionStats(
    agentId: string,
    range: { start?: string | undefined; end?: string | undefined },
  ): AgentExecutionStats {
    this.agentEntry(agentId);
    return this.store.runs.agentStats(agentId, range.start ?? '0000', range.end ?? '9999');
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
    const completions = this.completions;
    const notes = this.notes;
    const due = this.dueRetries;
    const decisions = this.decisionsDone;
    this.completions = [];
    this.notes = [];
    this.dueRetries = [];
    this.decisionsDone = [];
    const toStart: [ActiveRun, TaskRun, Agent, Executor][] = [];
    this.tx(() => {
      for (const n of notes) this.applyNote(n);
      for (const c of completions) this.applyCompletion(c);
      for (const d of decisions) this.applyDecision(d);
      for (const [runId, taskId] of due) {
        const run = this.active.get(runId);
        const task = run?.tasks.get(taskId);
        if (run && task?.status === 'ready' && task.retry_at !== null) {
          task.retry_at = null;
          this.save(task);
          this.enqueue(run, task);
        }
      }
      this.dispatch(toStart);
    });
    for (const [run, task, agent, executor] of toStart) void this.execute(run, task, agent, executor);
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
      this.tx(() => {
        for (const run of logs) this.writeBuildLog(run, 'executing');
      });
    for (const ask of this.decisionsAsked.splice(0)) ask();
  }

  private dispatch(toStart: [ActiveRun, TaskRun, Agent, Executor][]): void {
    if (this.queue.size === 0) return;
    const exhausted = new Set<string>();
    const now = this.clock.now();
    while (this.inFlight < this.maxInFlight) {
      const next = this.queue.best(now, (g) => !exhausted.has(g.key));
      if (!next) break;
      const run = this.active.get(next.task.runId);
      if (!run) {
        this.queue.removeRun(next.task.runId);
        continue;
      }
      const task = run.tasks.get(next.task.taskId)!;
      const spec = run.specs.get(task.task_id)!;
      const m = this.match(spec);
      if (m.kind === 'wait') {
        exhausted.add(next.group.key);
        if (task.reason !== m.reason) {
          task.reason = m.reason;
          task.match = m.explanation;
          this.dirtyJson.add(task);
          this.save(task);
        }
        continue;
      }
      this.queue.remove(run.id, task.task_id);
      if (m.kind === 'unassigned') {
        this.setStatus(run, task, 'unassigned', {
          reason: m.reason,
          match: m.explanation,
          finished_at: this.iso(),
        });
        run.unassigned.set(task.task_id, { task_id: task.task_id, reason: m.reason });
        run.logDirty = true;
        this.settleDependents(run, task.task_id);
        this.maybeFinish(run);
        continue;
      }
      const over = this.overBudget(run, spec, m.agent);
      if (over) {
        this.gate(run, task, 'budget', over.reason, over.cost);
        continue;
      }
      this.assign(run, task, m.agent, m.explanation);
      this.inFlight++;
      toStart.push([run, task, m.agent, this.executorOf(m.agent)!]);
    }
    if (this.inFlight >= this.maxInFlight) this.sayGlobalLimit(now);
  }

  /** The next task in line says it waits for the global limit (the rest queue behind it). */
  private sayGlobalLimit(now: number): void {
    const next = this.queue.best(now, () => true);
    const run = next && this.active.get(next.task.runId);
    const task = run?.tasks.get(next!.task.taskId);
    const reason = `Waiting for capacity: ${this.inFlight} tasks running (global limit ${this.maxInFlight})`;
    if (!task || task.reason === reason) return;
    task.reason = reason;
    this.save(task);
  }

  /** Why one more task would pass a budget, unless a person already approved the cost. */
  private overBudget(run: ActiveRun, spec: TaskSpec, agent: Agent): { reason: string; cost: number } | null {
    return run.approved.has(`budget:${spec.task_id}`) ? null : this.budget.overBudget(run.plan, spec, agent);
  }

  /** Matches among agents this process can run; tasks only a pull agent can take wait for it. */
  private match(spec: TaskSpec): MatchResult {
    if (!this.byKind) {
      const all = [...this.agentMap().values()].map((e) => e.agent);
      this.byKind = {
        push: all.filter((a) => this.executorOf(a) !== undefined),
        pull: all.filter((a) => this.executorOf(a) === undefined),
      };
    }
    const { push, pull: pullers } = this.byKind;
    const m = matchAgent(spec, push, this.loadOf, this.successRate);
    if (m.kind !== 'unassigned' || pullers.length === 0) return m;
    const pull = matchAgent(spec, pullers, this.loadOf);
    if (pull.kind === 'unassigned') return m;
    const who = pull.kind === 'assigned' ? pull.agent.id : 'a pull agent';
    return { kind: 'wait', reason: `Waiting for ${who} to pull it`, explanation: pull.explanation };
  }

  private assign(run: ActiveRun, task: TaskRun, agent: Agent, explanation: MatchExplanation): void {
    const attempt = task.attempt + 1;
    const delegation = attempt === 1 ? `${task.task_id}-delegated` : `${task.task_id}-delegated-${attempt}`;
    this.setStatus(run, task, 'in_progress', {
      agent_id: agent.id,
      delegation_task_id: delegation,
      attempt,
      reason: null,
      match: explanation,
      error: null,
      progress: null,
      progress_message: null,
      started_at: this.iso(),
      finished_at: null,
    });
    run.delegated.add(task);
    run.logDirty = true;
    run.usage.delete(task.task_id);
    this.load.set(agent.id, this.loadOf(agent.id) + 1);
    this.budget.commit(run.plan, this.budget.costOf(run.specs.get(task.task_id)!, agent));
  }

  private async execute(run: ActiveRun, task: TaskRun, agent: Agent, executor: Executor): Promise<void> {
    const spec = run.specs.get(task.task_id)!;
    const attempt = task.attempt;
    const ac = new AbortController();
    const flight: InFlight = { ac, timer: null, settled: false };
    run.inflight.set(task.task_id, flight);
    const settle = (c: Omit<Completion, 'runId' | 'taskId' | 'attempt'>) => {
      if (flight.settled) return;
      flight.settled = true;
      if (flight.timer) clearTimeout(flight.timer);
      if (run.inflight.get(task.task_id) === flight) run.inflight.delete(task.task_id);
      this.completions.push({ runId: run.id, taskId: task.task_id, attempt, ...c });
      this.schedule();
    };
    if (spec.timeout_s !== undefined) {
      const seconds = spec.timeout_s;
      flight.timer = setTimeout(() => {
        settle({ ok: false, error: `timed out after ${seconds} s` });
        ac.abort(new Error('timeout'));
      }, seconds * 1000);
    }
    let workspace = '';
    if (executor.usesWorkspace !== false) {
      workspace = join(this.workspaceRoot, run.id, task.task_id, String(attempt));
      try {
        mkdirSync(workspace, { recursive: true });
      } catch (err) {
        settle({ ok: false, error: `cannot create the workspace ${workspace}: ${(err as Error).message}` });
        return;
      }
    }
    const ctx: TaskContext = {
      workspace,
      secrets: this.secrets,
      run_id: run.id,
      plan_id: run.plan.plan_id,
      project_id: run.plan.project_id ?? null,
      task: spec,
      attempt,
      delegation_task_id: task.delegation_task_id!,
      agent,
      dependencies: spec.depends_on.map((d) => {
        const t = run.tasks.get(d)!;
        if (!run.withArtifacts.has(d)) return { task_id: d, status: t.status, output: t.output };
        const artifacts = this.store.execution
          .artifacts(run.id, d)
          .filter((a) => a.attempt === t.attempt)
          .map(({ name, path, size, sha256 }) => ({ name, path, size, sha256 }));
        return { task_id: d, status: t.status, output: t.output, artifacts };
      }),
    };
    try {
      for await (const ev of executor.start(ctx, ac.signal)) {
        if (flight.settled) break;
        if (ev.type === 'result') return settle({ ok: true, output: ev.output });
        if (ev.type === 'error') return settle({ ok: false, error: ev.message });
        this.notes.push({ runId: run.id, taskId: task.task_id, attempt, event: ev });
        this.schedule();
      }
      settle({ ok: false, error: 'the agent finished without a result' });
    } catch (err) {
      settle({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  private applyNote(n: Note): void {
    const run = this.active.get(n.runId);
    const task = run?.tasks.get(n.taskId);
    if (!run || !task || task.status !== 'in_progress' || task.attempt !== n.attempt) return;
    const ev = n.event;
    switch (ev.type) {
      case 'progress':
        this.applyProgress(run, task, Math.max(0, Math.min(100, ev.percent)), ev.message ?? null, undefined);
        break;
      case 'log': {
        const line = {
          run_id: run.id,
          task_id: task.task_id,
          attempt: task.attempt,
          stream: ev.stream,
          text: ev.text,
          at: this.iso(),
        };
        this.bus.emit('task.log', { id: this.store.execution.addLog(line), ...line });
        break;
      }
      case 'artifact':
        this.recordArtifact(run, task, { name: ev.name, path: ev.path, size: ev.size, sha256: ev.sha256 });
        break;
      case 'usage':
        run.usage.set(task.task_id, (run.usage.get(task.task_id) ?? 0) + ev.cost);
        this.store.execution.addLog({
          run_id: run.id,
          task_id: task.task_id,
          attempt: task.attempt,
          stream: 'info',
          text: `usage: ${ev.prompt_tokens} prompt + ${ev.completion_tokens} completion tokens on ${ev.model}, cost ${ev.cost}`,
          at: this.iso(),
        });
        break;
      case 'result':
      case 'error':
        break;
    }
  }

  /** A file the attempt left, so dependents are handed it. */
  private recordArtifact(
    run: ActiveRun,
    task: TaskRun,
    file: { name: string; path: string; size: number; sha256: string },
  ): void {
    run.withArtifacts.add(task.task_id);
    this.store.execution.addArtifact({
      run_id: run.id,
      task_id: task.task_id,
      attempt: task.attempt,
      ...file,
      created_at: this.iso(),
    });
  }

  private applyProgress(
    run: ActiveRun,
    task: TaskRun,
    progress: number,
    message: string | null,
    metadata: unknown,
  ): void {
    task.progress = progress;
    task.progress_message = message;
    this.save(task);
    this.store.execution.addProgress(run.id, task.task_id, {
      attempt: task.attempt,
      progress,
      message,
      metadata: metadata ?? null,
      at: this.iso(),
    });
  }

  private applyCompletion(c: Completion): void {
    const run = this.active.get(c.runId);
    if (!run) return;
    const task = run.tasks.get(c.taskId)!;
    if (task.status !== 'in_progress' || task.attempt !== c.attempt) return;
    const spec = run.specs.get(task.task_id)!;
    const agent = this.agentOf(task.agent_id);
    const local = agent !== undefined && this.executorOf(agent) !== undefined;
    this.release(run, task, local);
    const estimate = agent ? this.budget.costOf(spec, agent) : spec.estimated_cost;
    const usage = run.usage.get(task.task_id) ?? 0;
    this.outcomes.record(task.agent_id, c.ok);
    if (c.ok) {
      const amount = usage > 0 ? usage : estimate;
      this.budget.charge(run.id, run.plan, task, amount, this.iso());
      this.setStatus(run, task, 'done', {
        output: c.output ?? null,
        finished_at: this.iso(),
        reason: null,
        progress: 100,
      });
      run.done++;
      this.writeTaskResult(run, task);
      this.settleDependents(run, task.task_id);
      this.maybeFinish(run);
      return;
    }
    if (usage > 0) this.budget.charge(run.id, run.plan, task, usage, this.iso());
    const max = spec.retry?.max_attempts ?? 1;
    if (spec.retry && task.attempt < max) {
      const delay = retryDelay(spec.retry, task.attempt + 1, this.random);
      const retryAt = this.clock.now() + delay;
      this.setStatus(run, task, 'ready', {
        error: c.error ?? 'failed',
        retry_at: retryAt,
        reason: `attempt ${task.attempt} failed: ${c.error}; attempt ${task.attempt + 1} of ${max} in ${(delay / 1000).toFixed(1)} s`,
      });
      this.armRetry(run, task);
      return;
    }
    this.setStatus(run, task, 'failed', { error: c.error ?? 'failed', finished_at: this.iso() });
    this.settleDependents(run, task.task_id);
    this.maybeFinish(run);
  }

  private armRetry(run: ActiveRun, task: TaskRun): void {
    const wait = Math.max(0, (task.retry_at ?? 0) - this.clock.now());
    const timer = setTimeout(() => {
      run.retryTimers.delete(task.task_id);
      this.dueRetries.push([run.id, task.task_id]);
      this.schedule();
    }, wait);
    timer.unref();
    run.retryTimers.set(task.task_id, timer);
  }

  /** A task whose dependencies are met: gate it for approval, or queue it. */
  private enqueueOrGate(run: ActiveRun, task: TaskRun): void {
    const spec = run.specs.get(task.task_id)!;
    if (run.gates.has(task.task_id)) {
      if (!run.approved.has(`escalation:${task.task_id}`)) {
        this.gate(
          run,
          task,
          'escalation',
          spec.description.replace(/^A person decides how to go on: /, ''),
          0,
        );
      }
      return;
    }
    if (spec.requires_approval && !run.approved.has(`approval_required:${task.task_id}`)) {
      this.gate(
        run,
        task,
        'approval_required',
        'the plan requires approval for this task',
        spec.estimated_cost,
      );
      return;
    }
    this.enqueue(run, task);
  }

  private enqueue(run: ActiveRun, task: TaskRun): void {
    const spec = run.specs.get(task.task_id)!;
    this.queue.push(run.id, task.task_id, spec.required_skills, spec.agent, spec.priority, spec.deadline);
  }

  private gate(run: ActiveRun, task: TaskRun, kind: ApprovalKind, reason: string, cost: number): void {
    const approval: Approval = {
      id: this.ids.next('apr'),
      run_id: run.id,
      task_id: task.task_id,
      status: 'pending',
      kind,
      reason,
      cost,
      requested_at: this.iso(),
      decided_at: null,
      actor: null,
      comment: null,
    };
    this.store.approvals.insert(approval);
    this.setStatus(run, task, 'awaiting_approval', {
      reason: `${kind === 'budget' ? 'budget' : 'approval'}: ${reason}`,
    });
    this.bus.emit('approval.changed', approval);
  }

  /** Re-decides every dependent of a task that just changed. Iterative: chains may be long. */
  private settleDependents(run: ActiveRun, taskId: string): void {
    const work = [taskId];
    while (work.length > 0) {
      const id = work.pop()!;
      for (const depId of run.dependents.get(id) ?? []) {
        const dep = run.tasks.get(depId)!;
        if (dep.status !== 'blocked' && dep.status !== 'pending') continue;
        const verdict = this.verdictOf(run, run.specs.get(depId)!);
        if (verdict.kind === 'ready') {
          this.setStatus(run, dep, 'ready', { reason: null });
          this.enqueueOrGate(run, dep);
        } else if (verdict.kind === 'skip') {
          this.setStatus(run, dep, 'skipped', { reason: verdict.reason, finished_at: this.iso() });
          work.push(depId);
        } else if (dep.reason !== verdict.reason) {
          dep.reason = verdict.reason;
          this.save(dep);
        }
      }
    }
  }

  /** What a task's dependencies allow now (`conditions.ts`). */
  private verdictOf(run: ActiveRun, spec: TaskSpec): DependentVerdict {
    return decideDependent(
      spec,
      (d) => run.tasks.get(d)!.status,
      (d) => run.tasks.get(d)!.output,
    );
  }

  private cancelOne(run: ActiveRun, task: TaskRun, why: string): void {
    const flight = run.inflight.get(task.task_id);
    if (task.status === 'in_progress') this.release(run, task, (flight?.ac ?? null) !== null);
    if (flight) {
      stopFlight(flight, 'cancelled');
      run.inflight.delete(task.task_id);
    }
    const timer = run.retryTimers.get(task.task_id);
    if (timer) clearTimeout(timer);
    run.retryTimers.delete(task.task_id);
    this.queue.remove(run.id, task.task_id);
    this.setStatus(run, task, 'cancelled', { reason: why, finished_at: this.iso(), retry_at: null });
  }

  private release(run: ActiveRun, task: TaskRun, local: boolean): void {
    if (local) this.inFlight--;
    if (task.agent_id) this.load.set(task.agent_id, Math.max(0, (this.load.get(task.agent_id) ?? 1) - 1));
    const agent = this.agentOf(task.agent_id);
    this.budget.commit(run.plan, -(agent ? this.budget.costOf(run.specs.get(task.task_id)!, agent) : 0));
  }

  // ---- the decider (seed 002) -----------------------------------------------------------

  /** Gathers the project context now (inside the transaction); the decider runs after commit. */
  private askDecider(run: ActiveRun, task: TaskRun): void {
    const spec = run.specs.get(task.task_id)!;
    if (run.gates.has(task.task_id)) return; // a person's decision is not decided on again
    const outputs: Record<string, string> = {};
    if (task.output !== null && task.output !== undefined)
      outputs.output = JSON.stringify(task.output).slice(0, 500);
    for (const a of this.store.execution.artifacts(run.id, task.task_id)) {
      try {
        outputs[a.name] = readFileSync(a.path, 'utf8').slice(0, 500);
      } catch {
        outputs[a.name] = '(the file is gone)';
      }
    }
    const c = run.counts;
    const ctx: DecisionContext = {
      goal: run.plan.goal ?? run.plan.name ?? run.plan.plan_id,
      phase: run.plan.project_id ? (this.store.projects.get(run.plan.project_id)?.phase ?? null) : null,
      completed_task: {
        task_id: task.task_id,
        description: spec.description,
        agent_id: task.agent_id,
        status: task.status,
        success: task.status === 'done',
        error: task.error ?? (task.status === 'unassigned' ? task.reason : null),
      },
      agents: [...this.agentMap().values()].map(({ agent }) => ({
        id: agent.id,
        kind: agent.kind,
        skills: agent.skills,
        status: agent.status,
      })),
      history: [...run.history],
      queue: {
        ready: c.ready,
        in_progress: c.in_progress,
        blocked: c.blocked,
        awaiting_approval: c.awaiting_approval,
        open: run.open,
      },
      agent_outputs: outputs,
      created_so_far: run.added.size - run.gates.size,
    };
    run.pendingDecisions++;
    const decider = run.decider!;
    this.decisionsAsked.push(() => {
      this.decide(decider, ctx)
        .then(
          (r) =>
            this.decisionsDone.push({
              runId: run.id,
              taskId: task.task_id,
              ctx,
              decision: r.decision,
              problems: r.problems ?? [],
            }),
          (err: unknown) =>
            this.decisionsDone.push({
              runId: run.id,
              taskId: task.task_id,
              ctx,
              decision: {
                action: 'escalate_to_human',
                reasoning: `The decider failed (${err instanceof Error ? err.message : String(err)}), so a person should decide.`,
                urgency: 'high',
              },
              problems: [],
            }),
        )
        .finally(() => this.schedule());
    });
  }

  private applyDecision(d: DecisionDone): void {
    const run = this.active.get(d.runId);
    if (!run) return;
    run.pendingDecisions--;
    const decision = guardDecision(d.decision, {
      made: run.added.size - run.gates.size,
      max: run.decider!.max_created_tasks,
      seen: run.addedDescriptions,
    });
    const now = this.iso();
    this.resultBuffer.push({
      id: this.ids.next('mem'),
      agent_id: run.decider!.kind === 'llm' ? (run.decider!.agent_id ?? 'decider') : 'decider',
      type: 'decision',
      content: {
        run_id: run.id,
        after_task: d.taskId,
        decision,
        proposed: d.decision,
        problems: d.problems,
        inputs: d.ctx,
      },
      tags: ['decision', `plan:${run.plan.plan_id}`, `run:${run.id}`, `action:${decision.action}`],
      project_id: run.plan.project_id ?? null,
      status: decision.action,
      task_type: 'decision',
      task_id: d.taskId,
      plan_id: run.plan.plan_id,
      created_at: now,
      updated_at: now,
    });
    this.audit(
      'run',
      run.id,
      run.id,
      null,
      null,
      `decider after "${d.taskId}": ${decision.action} — ${decision.reasoning}`,
    );
    switch (decision.action) {
      case 'create_task':
        run.addedDescriptions.add(descriptionKey(decision.task_description ?? ''));
        this.addTask(
          run,
          decidedTask(this.nextAddedId(run, 'decided'), d.taskId, decision, (id) => this.agentMap().has(id)),
        );
        break;
      case 'escalate_to_human': {
        const id = this.nextAddedId(run, 'escalation');
        run.gates.add(id);
        this.addTask(run, escalationTask(id, d.taskId, decision.reasoning));
        break;
      }
      case 'project_complete':
        run.closedByDecider = true;
        for (const t of run.tasks.values()) {
          if (isTerminalTaskStatus(t.status)) continue;
          if (t.status === 'in_progress')
            this.cancelOne(run, t, `the decider closed the run: ${decision.reasoning}`);
          else {
            this.queue.remove(run.id, t.task_id);
            this.setStatus(run, t, 'skipped', {
              reason: `the decider closed the run: ${decision.reasoning}`,
              finished_at: this.iso(),
            });
          }
        }
        this.maybeFinish(run);
        return;
      case 'wait_for_more_tasks':
        break;
    }
    this.maybeFinish(run);
  }

  private nextAddedId(run: ActiveRun, prefix: string): string {
    let n = run.added.size + 1;
    while (run.tasks.has(`${prefix}-${n}`)) n++;
    return `${prefix}-${n}`;
  }

  /** Adds a task to a running DAG (inside a transaction). */
  private addTask(run: ActiveRun, input: Record<string, unknown>): void {
    const spec = taskSpecSchema.parse(input);
    const verdict = this.verdictOf(run, spec);
    const status: TaskStatus =
      verdict.kind === 'ready' ? 'ready' : verdict.kind === 'skip' ? 'skipped' : 'blocked';
    const reason = verdict.kind === 'ready' ? null : verdict.reason;
    this.store.runs.insertAdded(run.id, spec, run.tasks.size, status, reason, this.iso());
    this.registerAdded(run, spec);
    const task = this.store.runs.task(run.id, spec.task_id)!;
    run.tasks.set(spec.task_id, task);
    run.counts[status]++;
    if (!isTerminalTaskStatus(status)) run.open++;
    this.audit(
      'task',
      spec.task_id,
      run.id,
      null,
      status,
      `added by the decider after "${spec.depends_on[0]}"`,
    );
    this.bus.emit('task.updated', { ...task });
    if (status === 'ready') this.enqueueOrGate(run, task);
  }

  private registerAdded(run: ActiveRun, spec: TaskSpec): void {
    run.specs.set(spec.task_id, spec);
    run.added.add(spec.task_id);
    if ((spec.inputs as { baton_gate?: boolean } | undefined)?.baton_gate) run.gates.add(spec.task_id);
    else run.addedDescriptions.add(descriptionKey(spec.description.split('\n\n')[0]!));
    addDependents(run.dependents, spec);
  }

  // ---- state, memory, audit -----------------------------------------------------------

  private setStatus(
    run: ActiveRun,
    task: TaskRun,
    to: TaskStatus,
    patch: Partial<TaskRun>,
    actor = ACTOR,
  ): void {
    const from = task.status;
    assertTransition(task.task_id, from, to);
    if (from === 'awaiting_approval' && (to === 'cancelled' || to === 'skipped')) {
      this.closeApprovals(run, task, patch.reason ?? to);
    }
    Object.assign(task, patch);
    if ('match' in patch || 'output' in patch) this.dirtyJson.add(task);
    task.status = to;
    run.counts[from]--;
    run.counts[to]++;
    if (!isTerminalTaskStatus(from) && isTerminalTaskStatus(to)) {
      run.open--;
      run.history.unshift({ task_id: task.task_id, status: to, agent_id: task.agent_id });
      if (run.history.length > 5) run.history.length = 5;
      if (run.decider && (to === 'done' || to === 'failed' || to === 'unassigned'))
        this.askDecider(run, task);
    }
    if (isTerminalTaskStatus(from) && !isTerminalTaskStatus(to)) run.open++;
    this.save(task);
    const why = patch.reason ?? (to === 'failed' ? patch.error : undefined) ?? transitionWhy(to, task);
    this.audit('task', task.task_id, run.id, from, to, why, actor);
  }

  /** Tasks changed in the current transaction; each row is written once, at commit. */
  private readonly dirty = new Set<TaskRun>();
  /** Of those, the ones whose `match` or `output` changed. */
  private readonly dirtyJson = new Set<TaskRun>();

  /** A task that stops waiting without a decision (cancelled, skipped) closes what it waited on. */
  private closeApprovals(run: ActiveRun, task: TaskRun, why: string): void {
    for (const a of this.store.approvals.forTask(run.id, task.task_id)) {
      if (a.status !== 'pending') continue;
      this.store.approvals.decide({
        id: a.id,
        status: 'rejected',
        decided_at: this.iso(),
        actor: ACTOR,
        comment: `closed: ${why}`,
      });
      const closed = this.store.approvals.get(a.id);
      if (closed) this.bus.emit('approval.changed', closed);
    }
  }

  private save(task: TaskRun): void {
    task.updated_at = this.iso();
    this.dirty.add(task);
  }

  /** Audit entries and task results of the current transaction, written in order at commit. */
  private readonly auditBuffer: Omit<AuditEntry, 'id'>[] = [];
  private readonly resultBuffer: (MemoryEntry & { plan_id: string | null })[] = [];

  private flushDirty(): void {
    if (this.dirty.size > 0) {
      this.store.runs.saveTasks(this.dirty, this.dirtyJson);
      if (this.bus.listening) for (const task of this.dirty) this.bus.emit('task.updated', { ...task });
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

  /** One transaction: `fn`'s changes, then the task rows it touched. */
  private tx<T>(fn: () => T): T {
    return this.store.tx(() => {
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
        throw err;
      }
    });
  }

  private maybeFinish(run: ActiveRun): void {
    if (run.open > 0 || run.pendingDecisions > 0) return;
    this.finish(run, run.closedByDecider || run.done === run.tasks.size ? 'completed' : 'failed');
  }

  private finish(run: ActiveRun, status: RunStatus): void {
    this.flushDirty();
    run.info = { ...run.info, status, finished_at: this.iso() };
    this.store.runs.setStatus(run.id, status, this.iso());
    this.audit(
      'run',
      run.id,
      run.id,
      'executing',
      status,
      `run ${status}: ${run.done} of ${run.tasks.size} tasks done`,
    );
    this.writeBuildLog(run, status);
    this.deactivate(run);
    this.active.delete(run.id);
    const final = this.snapshot(run);
    this.bus.emit('run.updated', final);
    this.scheduleIndexing();
    const waiters = this.waiters.get(run.id) ?? [];
    this.waiters.delete(run.id);
    // Resolve after the transaction commits.
    if (waiters.length > 0) {
      setImmediate(() => {
        const settled = this.store.runs.get(run.id) ?? final;
        for (const w of waiters) w(settled);
      });
    }
  }

  private indexTimer: NodeJS.Timeout | null = null;
  /** When background indexing began to wait for active runs to end (null: not waiting). */
  private indexWaitingSince: number | null = null;
  /**
   * Brings the search index up to date a little after runs end, off the hot path: a few hundred
   * rows at a time, so runs still going never wait more than a few ms for it.
   */
  private scheduleIndexing(delayMs = 1_000): void {
    if (this.indexTimer) return;
    this.indexTimer = setTimeout(() => {
      this.indexTimer = null;
      if (this.closed) return;
      // A chunk stalls the engine thread for its time (~5 ms): while runs go on it waits, up to
      // INDEX_POSTPONE_MS from the first wait (a search catches up on what is left before it looks).
      const now = this.clock.now();
      this.indexWaitingSince ??= now;
      if (this.active.size > 0 && now - this.indexWaitingSince < INDEX_POSTPONE_MS) {
        this.scheduleIndexing(1_000);
        return;
      }
      // Once it runs, it goes on (10 ms apart) until the index has caught up.
      if (this.store.memory.indexPending(INDEX_CHUNK)) this.indexWaitingSince = null;
      else this.scheduleIndexing(10);
    }, delayMs);
    this.indexTimer.unref();
  }

  private deactivate(run: ActiveRun): void {
    for (const [taskId, flight] of run.inflight) {
      stopFlight(flight, 'run ended');
      const task = run.tasks.get(taskId);
      if (task?.status === 'in_progress') this.release(run, task, flight.ac !== null);
    }
    run.inflight.clear();
    for (const t of run.retryTimers.values()) clearTimeout(t);
    run.retryTimers.clear();
    if (run.logTimer) clearTimeout(run.logTimer);
    this.queue.removeRun(run.id);
    this.store.runs.dropLease(run.id, this.owner);
  }

  private writeBuildLog(run: ActiveRun, status: RunStatus): void {
    this.flushDirty();
    const began = performance.now();
    const now = this.iso();
    // In the order tasks were delegated (or found unassigned).
    const content: BuildLogContent = {
      plan_id: run.plan.plan_id,
      delegated_tasks: delegations(run),
      unassigned_tasks: [...run.unassigned.values()],
      timestamp: now,
    };
    const entry = { ...run.log, content, status, updated_at: now };
    this.store.memory.update(entry);
    // The content is rewritten whole next time: keep the entry without it (megabytes for a big run).
    run.log = { ...entry, content: {} };
    run.logDirty = false;
    run.lastLogAt = this.clock.now();
    // A 100,000-task log is megabytes of JSON: rewriting it every 250 ms would cost more than the
    // run. Rewrites take at most ~1% of the engine thread (each one stalls a tick or two).
    run.logEveryMs = Math.max(this.buildLogIntervalMs, 100 * (performance.now() - began));
    this.bus.emit('memory.written', entry);
    this.bus.emit('run.updated', this.snapshot(run));
  }

  /** The run as the store has it, from memory. */
  private snapshot(run: ActiveRun): Run {
    return { ...run.info, counts: { ...run.counts } };
  }

  private writeTaskResult(run: ActiveRun, task: TaskRun): void {
    const now = this.iso();
    const entry = {
      id: this.ids.next('mem'),
      agent_id: task.agent_id ?? 'unknown',
      type: 'task_result',
      content: {
        run_id: run.id,
        plan_id: run.plan.plan_id,
        task_id: task.task_id,
        delegation_task_id: task.delegation_task_id,
        attempt: task.attempt,
        output: task.output,
      },
      tags: ['task_result', `plan:${run.plan.plan_id}`, `run:${run.id}`, `agent:${task.agent_id}`],
      project_id: run.plan.project_id ?? null,
      status: 'done',
      task_type: 'task',
      task_id: task.task_id,
      plan_id: run.plan.plan_id,
      created_at: now,
      updated_at: now,
    };
    this.resultBuffer.push(entry);
  }

  private audit(
    entity: 'run' | 'task',
    entityId: string,
    runId: string,
    from: string | null,
    to: string | null,
    why: string,
    actor = ACTOR,
  ): void {
    this.auditBuffer.push({
      at: this.iso(),
      actor,
      entity,
      entity_id: entityId,
      run_id: runId,
      from_status: from,
      to_status: to,
      why,
    });
  }

  // ---- activation and lookups -----------------------------------------------------------

  /** Loads a run into memory (inside a transaction) and puts its ready tasks in the queue. */
  private activate(
    runId: string,
    plan: Plan,
    memoryId: string,
    fresh?: { info: Omit<Run, 'counts'>; tasks: TaskRun[]; log: MemoryEntry },
  ): ActiveRun {
    let info: Omit<Run, 'counts'>;
    let counts: TaskCounts;
    let tasks: TaskRun[];
    if (fresh) {
      ({ info, tasks } = fresh);
      counts = emptyCounts();
      for (const t of tasks) counts[t.status]++;
    } else {
      ({ counts, ...info } = this.store.runs.get(runId)!);
      tasks = this.store.runs.tasksToRun(runId);
    }
    const run: ActiveRun = {
      id: runId,
      plan,
      memoryId,
      info,
      counts,
      log: fresh?.log ?? this.store.memory.get(memoryId)!,
      specs: byTaskId(plan.tasks),
      tasks: byTaskId(tasks),
      dependents: new Map(),
      inflight: new Map(),
      retryTimers: new Map(),
      approved: new Set(),
      delegated: new Set(),
      unassigned: new Map(),
      usage: new Map(),
      withArtifacts: new Set(fresh ? [] : this.store.execution.tasksWithArtifacts(runId)),
      open: 0,
      done: 0,
      decider: plan.decider ?? null,
      pendingDecisions: 0,
      closedByDecider: false,
      added: new Set(),
      addedDescriptions: new Set(),
      gates: new Set(),
      history: [],
      logDirty: true,
      lastLogAt: 0,
      logEveryMs: this.buildLogIntervalMs,
      logTimer: null,
    };
    this.active.set(runId, run);
    if (!fresh) for (const spec of this.store.runs.addedSpecs(runId)) this.registerAdded(run, spec);
    for (const t of plan.tasks) addDependents(run.dependents, t);
    const approvals = fresh ? [] : this.store.approvals.listForRun(runId);
    for (const a of approvals) if (a.status === 'approved') run.approved.add(`${a.kind}:${a.task_id}`);
    for (const t of run.tasks.values()) {
      if (!isTerminalTaskStatus(t.status)) run.open++;
      if (t.status === 'done') run.done++;
      if (t.agent_id && t.delegation_task_id) run.delegated.add(t);
      if (t.status === 'unassigned')
        run.unassigned.set(t.task_id, { task_id: t.task_id, reason: t.reason ?? '' });
    }
    for (const t of run.tasks.values()) {
      if (t.status === 'in_progress') {
        const agent = this.agentOf(t.agent_id);
        if (agent && this.executorOf(agent) === undefined) {
          // A pull agent elsewhere may still be working on it: keep it, and its capacity.
          this.load.set(agent.id, this.loadOf(agent.id) + 1);
          run.inflight.set(t.task_id, { ac: null, timer: null, settled: false });
          continue;
        }
        this.setStatus(run, t, 'ready', { reason: 'interrupted by a restart; retried as a new attempt' });
        this.enqueueOrGate(run, t);
      } else if (t.status === 'ready') {
        if (t.retry_at !== null && t.retry_at > this.clock.now()) this.armRetry(run, t);
        else this.enqueueOrGate(run, t);
      } else if (t.status === 'pending' || t.status === 'blocked') {
        const verdict = this.verdictOf(run, run.specs.get(t.task_id)!);
        if (verdict.kind !== 'wait') this.settleDependentOf(run, t, verdict);
      }
    }
    this.startLeaseTimer();
    if (run.open === 0) this.maybeFinish(run);
    return run;
  }

  private settleDependentOf(
    run: ActiveRun,
    t: TaskRun,
    verdict: { kind: 'ready' } | { kind: 'skip'; reason: string },
  ): void {
    if (verdict.kind === 'ready') {
      this.setStatus(run, t, 'ready', { reason: null });
      this.enqueueOrGate(run, t);
    } else {
      this.setStatus(run, t, 'skipped', { reason: verdict.reason, finished_at: this.iso() });
      this.settleDependents(run, t.task_id);
    }
  }

  private startLeaseTimer(): void {
    if (this.leaseTimer) return;
    this.leaseTimer = setInterval(() => this.renewLeases(), Math.max(1_000, this.leaseTtlMs / 3));
    this.leaseTimer.unref();
  }

  private renewLeases(): void {
    for (const run of [...this.active.values()]) {
      if (!this.store.runs.takeLease(run.id, this.owner, this.clock.now(), this.leaseTtlMs)) {
        // Another process took the run over: stop touching it.
        this.deactivate(run);
        this.active.delete(run.id);
      }
    }
  }

  private activeRun(runId: string): ActiveRun {
    const run = this.active.get(runId);
    if (run) return run;
    const stored = this.store.runs.get(runId);
    if (!stored) throw new AppError('not_found', `run "${runId}" not found`);
    if (stored.status !== 'executing')
      throw new AppError('conflict', `run "${runId}" already ${stored.status}`);
    throw new AppError('conflict', `run "${runId}" is being executed by another Baton process`);
  }

  private taskOf(run: ActiveRun, taskId: string): TaskRun {
    const task = run.tasks.get(taskId);
    if (!task) throw new AppError('not_found', `Task not found: ${taskId}`);
    return task;
  }

  private agentMap(): Map<string, { agent: Agent; skills: Set<string> }> {
    this.agents ??= new Map(
      this.store.agents.list().map((a) => [a.id, { agent: a, skills: new Set(a.skills) }]),
    );
    return this.agents;
  }

  private agentOf(agentId: string | null): Agent | undefined {
    return this.agentMap().get(agentId ?? '')?.agent;
  }

  private agentEntry(agentId: string): { agent: Agent; skills: Set<string> } {
    const entry = this.agentMap().get(agentId);
    if (!entry) throw new AppError('not_found', `Agent not found: ${agentId}`);
    return entry;
  }

  private assigned(agentId: string, runId: string, taskId: string): { run: ActiveRun; task: TaskRun } {
    this.agentEntry(agentId);
    const run = this.activeRun(runId);
    const task = this.taskOf(run, taskId);
    if (task.status !== 'in_progress' || task.agent_id !== agentId) {
      throw new AppError('conflict', `Task ${taskId} is not assigned to agent ${agentId}`);
    }
    return { run, task };
  }

  private lastNow = -1;
  private lastIso = '';
  /** The clock as ISO 8601, memoised: many transitions share a millisecond. */
  private iso(): string {
    const now = this.clock.now();
    if (now !== this.lastNow) {
      this.lastNow = now;
      this.lastIso = new Date(now).toISOString();
    }
    return this.lastIso;
  }
}

/** Lease owners are `host:pid:id`; true when that is this host and the pid no longer runs. */
function isDeadLocalOwner(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function transitionWhy(to: TaskStatus, task: TaskRun): string {
  switch (to) {
    case 'in_progress':
      return `delegated to ${task.agent_id} as ${task.delegation_task_id} (attempt ${task.attempt})`;
    case 'done':
      return 'the agent returned a result';
    case 'ready':
      return 'dependencies met';
    default:
      return to;
  }
}
