import type { PreparedContext, PulledTask } from '../../src-shared/contract/domains/work.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Priority, TaskSpec } from '../../src-shared/schemas/plan.ts';
import { PRIORITIES } from '../../src-shared/schemas/plan.ts';
import type { AgentExecutionStats, TaskRun } from '../../src-shared/schemas/run.ts';
import { AppError } from '../base/errors.ts';
import type { AgentDirectory, AgentEntry } from './agent-directory.ts';
import type { Approvals } from './approvals/approvals.ts';
import type { Attempts, HandedFile } from './attempts.ts';
import type { AttemptSandboxHosts } from './executor.ts';
import type { RunLeases } from './leases.ts';
import { missingSkills } from './matching.ts';
import { PulledContexts } from './pulled-contexts.ts';
import type { TaskGroup } from './ready-queue.ts';
import { reviewsAtLimit, reviewsWaitReason } from './review-limit.ts';
import type { RunHolds } from './run-holds.ts';
import type { RunLoader } from './run-loader.ts';
import type { ActiveRun } from './run-state.ts';
import { stopFlight, taskOf } from './run-state.ts';
import type { Runtime } from './runtime.ts';
import type { TaskFlow } from './task-flow.ts';

export interface WorkCriteria {
  run_id?: string | undefined;
  plan_id?: string | undefined;
  /** Only tasks of this priority or higher (the pull API's priority limit). */
  min_priority?: Priority | undefined;
  /** Only tasks that carry every one of these tags (the pull API's `requireTags`). */
  require_tags?: readonly string[] | undefined;
  /** How many tasks to offer, best first (`tasks`); 1 by default. */
  limit?: number | undefined;
}

/** The pull API's progress report (updateTaskProgress); progress is 0–100 (validated at the edge). */
export interface ProgressUpdate {
  agent_id: string;
  run_id: string;
  task_id: string;
  progress: number;
  message?: string | undefined;
  metadata?: unknown;
  /** The attempt reported on; another than the task's current one is refused. */
  attempt?: number | undefined;
}

/** The pull API's completion (completeTask), with the files a person or daemon hands in. */
export interface CompletionReport {
  agent_id: string;
  run_id: string;
  task_id: string;
  status: 'completed' | 'failed';
  output?: unknown;
  error?: string | undefined;
  files?: HandedFile[] | undefined;
  /** The attempt completed; another than the task's current one is refused (a worker's lapsed lease). */
  attempt?: number | undefined;
}

/**
 * The pull API: agents that pull work (people, daemons) — no executor runs their tasks. They look
 * for ready tasks in the same queue dispatch uses, take one, report progress and complete it.
 */
export class PullApi {
  private readonly rt: Runtime;
  private readonly agents: AgentDirectory;
  private readonly approvals: Approvals;
  private readonly flow: TaskFlow;
  private readonly holds: RunHolds;
  private readonly attempts: Attempts;
  private readonly loader: RunLoader;
  private readonly leases: RunLeases;
  /** What an agent is handed with a task it takes. */
  private readonly contexts: PulledContexts;

  constructor(
    rt: Runtime,
    parts: {
      agents: AgentDirectory;
      approvals: Approvals;
      flow: TaskFlow;
      holds: RunHolds;
      attempts: Attempts;
      loader: RunLoader;
      leases: RunLeases;
    },
  ) {
    this.rt = rt;
    this.agents = parts.agents;
    this.approvals = parts.approvals;
    this.flow = parts.flow;
    this.holds = parts.holds;
    this.attempts = parts.attempts;
    this.loader = parts.loader;
    this.leases = parts.leases;
    this.contexts = new PulledContexts(rt, parts.agents);
  }

  /** A run this process executes (`RunLeases.activeRun`), or the error saying why not. */
  private runOf(runId: string): ActiveRun {
    return this.leases.activeRun(runId);
  }

  /** The open diff reviews of a run's plan when they hold its coding tasks (`review-limit.ts`), else null. */
  private heldForReviews(runId: string, counted: Map<string, number>): number | null {
    const plan = this.rt.active.get(runId)?.plan;
    return plan?.max_open_reviews === undefined ? null : reviewsAtLimit(this.rt.store, plan, counted);
  }

  /** The highest-scoring ready task this agent can take, or null with the reason. */
  selectNextTask(
    agentId: string,
    criteria: WorkCriteria = {},
  ): { task: PulledTask | null; tasks?: PulledTask[]; reason?: string } {
    const entry = this.agents.entry(agentId);
    const { agent, skills } = entry;
    if (agent.status !== 'ONLINE' && agent.status !== 'BUSY')
      return { task: null, reason: `agent is ${agent.status}` };
    if (this.rt.loadOf(agentId) >= agent.max_concurrency)
      return { task: null, reason: 'agent is at capacity' };
    // A coding agent takes no task of a plan whose open diff reviews are at its `max_open_reviews`.
    const coding = this.agents.traitsOf(agent).worksInWorkspace;
    const counted = new Map<string, number>();
    const accept = (g: TaskGroup) => {
      if (criteria.run_id && g.runId !== criteria.run_id) return false;
      if (coding && this.heldForReviews(g.runId, counted) !== null) return false;
      if (g.pin && g.pin !== agentId) return false;
      if (criteria.plan_id && this.rt.active.get(g.runId)?.plan.plan_id !== criteria.plan_id) return false;
      for (const s of g.skills) if (!skills.has(s)) return false;
      return true;
    };
    const tags = criteria.require_tags ?? [];
    const limit = criteria.limit ?? 1;
    const none = () => ({
      task: null,
      ...(limit > 1 ? { tasks: [] } : {}),
      reason: `no ready task${criteria.min_priority ? ` of priority ${criteria.min_priority} or higher` : ''}${tags.length ? ` tagged ${tags.join(', ')}` : ''} matches this agent`,
    });
    if (tags.length === 0 && limit === 1) {
      const best = this.rt.queue.best(this.rt.clock.now(), accept, criteria.min_priority);
      if (!best) return none();
      return { task: this.pulled(best.task.runId, best.task.taskId, best.score) };
    }
    // Tags are the task's own, not its group's: walk the accepted groups' tasks best first.
    const lowest = PRIORITIES.indexOf(criteria.min_priority ?? 'LOW');
    const found: PulledTask[] = [];
    for (const { task, score } of this.rt.queue.list(this.rt.clock.now(), accept, Number.POSITIVE_INFINITY)) {
      if (PRIORITIES.indexOf(task.priority) > lowest) continue;
      const own = this.rt.active.get(task.runId)?.specs.get(task.taskId)?.tags ?? [];
      if (!tags.every((t) => own.includes(t))) continue;
      found.push(this.pulled(task.runId, task.taskId, score));
      if (found.length >= limit) break;
    }
    if (found.length === 0) return none();
    return { task: found[0]!, ...(limit > 1 ? { tasks: found } : {}) };
  }

  private pulled(runId: string, taskId: string, score: number): PulledTask {
    const run = this.rt.active.get(runId)!;
    const spec = run.specs.get(taskId)!;
    return {
      run_id: run.id,
      plan_id: run.plan.plan_id,
      task_id: spec.task_id,
      description: spec.description,
      required_skills: spec.required_skills,
      priority: spec.priority,
      deadline: spec.deadline ?? null,
      tags: spec.tags ?? [],
      score,
      ready_since: run.tasks.get(taskId)?.updated_at ?? null,
    };
  }

  /** What a person or daemon sees: ready tasks they could take (best first) and tasks they hold. */
  inbox(agentId: string): { ready: PulledTask[]; in_progress: TaskRun[] } {
    const { agent, skills } = this.agents.entry(agentId);
    const ready = this.rt.queue
      .list(
        this.rt.clock.now(),
        (g) => (!g.pin || g.pin === agent.id) && g.skills.every((s) => skills.has(s)),
        100,
      )
      .map(({ task, score }) => this.pulled(task.runId, task.taskId, score));
    return { ready, in_progress: this.held(agentId).map((t) => ({ ...t })) };
  }

  /**
   * The tasks an agent holds in progress in this process's runs. Its load counts them, so an
   * agent that holds none (the usual case) is answered without walking any run's tasks.
   */
  held(agentId: string): TaskRun[] {
    if (this.rt.loadOf(agentId) === 0) return [];
    const held: TaskRun[] = [];
    for (const run of this.rt.active.values()) {
      for (const t of run.tasks.values())
        if (t.status === 'in_progress' && t.agent_id === agentId) held.push(t);
    }
    return held;
  }

  prepareTaskContext(agentId: string, runId: string, taskId: string): PreparedContext {
    const { agent } = this.agents.entry(agentId);
    const run = this.runOf(runId);
    const task = taskOf(run, taskId);
    if (task.agent_id !== null && task.agent_id !== agentId && task.status === 'in_progress') {
      throw new AppError('conflict', `Task ${taskId} is not assigned to agent ${agentId}`);
    }
    // The context is this agent's view of a task it holds or could take (its charter goes in):
    // one pinned to another agent, or needing skills it lacks, is not its to prepare.
    if (task.agent_id !== agentId) {
      const spec = run.specs.get(taskId)!;
      if (spec.agent && spec.agent !== agentId)
        throw new AppError(
          'conflict',
          `Task ${taskId} is not assigned to agent ${agentId} (pinned to ${spec.agent})`,
        );
      requireSkills(agent, spec);
    }
    return this.contexts.of(run, task, agent);
  }

  /** The pull API's execute (executeTask): the agent takes the task; dependencies not met → blocked. */
  executeTask(
    agentId: string,
    runId: string,
    taskId: string,
  ): { status: 'in_progress' | 'blocked' | 'awaiting_approval'; error?: string; context?: PreparedContext } {
    const { agent } = this.agents.entry(agentId);
    const run = this.runOf(runId);
    const task = taskOf(run, taskId);
    const spec = run.specs.get(taskId)!;
    if (task.status === 'in_progress') {
      if (task.agent_id !== agentId)
        throw new AppError('conflict', `Task ${taskId} is not assigned to agent ${agentId}`);
      return { status: 'in_progress', context: this.contexts.of(run, task, agent) };
    }
    if (task.status === 'blocked') {
      return { status: 'blocked', error: `Dependencies not met: ${task.reason ?? 'waiting'}` };
    }
    if (task.status === 'awaiting_approval')
      return { status: 'awaiting_approval', error: task.reason ?? 'awaiting approval' };
    if (task.status !== 'ready' || !this.rt.queue.has(runId, taskId)) {
      throw new AppError(
        'conflict',
        `Task ${taskId} is ${task.status}${task.retry_at ? ' (waiting to retry)' : ''}`,
      );
    }
    requireSkills(agent, spec);
    if (spec.agent && spec.agent !== agentId)
      throw new AppError('conflict', `Task ${taskId} is pinned to agent ${spec.agent}`);
    if (agent.status !== 'ONLINE' && agent.status !== 'BUSY')
      throw new AppError('conflict', `agent is ${agent.status}`);
    if (this.rt.loadOf(agentId) >= agent.max_concurrency)
      throw new AppError('conflict', 'agent is at capacity');
    if (this.agents.traitsOf(agent).worksInWorkspace) {
      const open = this.heldForReviews(runId, new Map());
      if (open !== null) throw new AppError('conflict', reviewsWaitReason(run.plan, open));
    }
    let gated = false;
    this.loader.tx(() => {
      gated = !this.take(run, task, spec, agent);
    });
    if (gated) return { status: 'awaiting_approval', error: task.reason ?? 'awaiting approval' };
    return {
      status: 'in_progress',
      context: this.contexts.of(run, task, agent, this.contexts.changesRequested(run, task, agent)),
    };
  }

  /**
   * Inside a transaction: the queued task leaves the queue for `agent` — assigned and held, or
   * stopped before it starts by a gate (an approval the plan requires, a budget it would pass),
   * then false: it waits for a person.
   */
  private take(run: ActiveRun, task: TaskRun, spec: TaskSpec, agent: Agent): boolean {
    this.rt.queue.remove(run.id, task.task_id);
    if (this.approvals.gateBeforeStart(run, task, spec, agent)) return false;
    this.flow.assign(run, task, agent, this.agents.explainPulled(spec, agent));
    this.holds.holdPulled(run, task);
    return true;
  }

  /** Whether the agent could take a queued task now (its status, its room, its skills and pin): a claim would find one. */
  couldTake(entry: AgentEntry): boolean {
    const { agent } = entry;
    if (agent.status !== 'ONLINE' && agent.status !== 'BUSY') return false;
    if (this.rt.loadOf(agent.id) >= agent.max_concurrency || this.rt.queue.size === 0) return false;
    return this.rt.queue.best(this.rt.clock.now(), takes(entry)) !== undefined;
  }

  /**
   * Inside a transaction: up to `n` ready tasks the agent can take (its skills, its pin, its
   * status, its free capacity), best first, taken for it (`take`: a task a gate stops waits for a
   * person and is not counted). What a worker's claim hands out; each is handed the agent's
   * context with `contextFor` once the transaction committed.
   */
  takeFor(entry: AgentEntry, n: number): { run: ActiveRun; task: TaskRun }[] {
    const { agent } = entry;
    if (agent.status !== 'ONLINE' && agent.status !== 'BUSY') return [];
    const room = Math.min(n, agent.max_concurrency - this.rt.loadOf(agent.id));
    const taken: { run: ActiveRun; task: TaskRun }[] = [];
    if (room <= 0) return taken;
    const accept = takes(entry);
    const now = this.rt.clock.now();
    const queue = this.rt.queue;
    while (taken.length < room) {
      const best = queue.best(now, accept);
      if (!best) break;
      const run = this.rt.active.get(best.task.runId);
      if (!run || run.lost) {
        queue.removeRun(best.task.runId);
        continue;
      }
      const task = run.tasks.get(best.task.taskId)!;
      if (this.take(run, task, run.specs.get(task.task_id)!, agent)) taken.push({ run, task });
    }
    return taken;
  }

  /**
   * The context of a task `takeFor` took for `agent` (with a reviewer's request for changes, for a
   * worker's coding agent). `hostsSeen`: the sandbox hosts read for earlier tasks of the same claim.
   */
  contextFor(
    run: ActiveRun,
    task: TaskRun,
    agent: Agent,
    hostsSeen: Map<string, AttemptSandboxHosts>,
  ): PreparedContext {
    return this.contexts.of(run, task, agent, this.contexts.changesRequested(run, task, agent), hostsSeen);
  }

  updateTaskProgress(u: ProgressUpdate): TaskRun {
    const { run, task } = this.assigned(u.agent_id, u.run_id, u.task_id, u.attempt);
    this.loader.tx(() => this.attempts.applyProgress(run, task, u.progress, u.message ?? null, u.metadata));
    return { ...task };
  }

  /** The pull API's complete (completeTask): ends the attempt and unblocks dependents. */
  completeTask(c: CompletionReport): { task: TaskRun; unblocked: string[] } {
    const { run, task } = this.assigned(c.agent_id, c.run_id, c.task_id, c.attempt);
    const before = new Map((run.dependents.get(c.task_id) ?? []).map((d) => [d, run.tasks.get(d)!.status]));
    this.completeHeld([{ run, task, report: c }]);
    const unblocked = [...before]
      .filter(
        ([d, s]) =>
          s !== run.tasks.get(d)!.status &&
          ['ready', 'awaiting_approval', 'in_progress'].includes(run.tasks.get(d)!.status),
      )
      .map(([d]) => d);
    return { task: { ...task }, unblocked };
  }

  /**
   * Ends attempts their holders finished, all in one tick: their files stored, their timeouts
   * stopped, then each settled and its dependents unblocked. The caller checked that each is the
   * task's current attempt, in progress, its own.
   */
  completeHeld(
    done: readonly { run: ActiveRun; task: TaskRun; report: Omit<CompletionReport, 'agent_id'> }[],
  ): void {
    if (done.some((d) => d.report.files && d.report.files.length > 0))
      this.loader.tx(() => {
        for (const { run, task, report } of done)
          if (report.files && report.files.length > 0) this.attempts.storeFiles(run, task, report.files);
      });
    for (const { run, task, report: c } of done) {
      this.stopHeld(run, task);
      this.rt.inbox.push({
        kind: 'attempt.ended',
        runId: c.run_id,
        taskId: c.task_id,
        attempt: task.attempt,
        ok: c.status === 'completed',
        output: c.output ?? null,
        error: c.error ?? 'the agent reported a failure',
      });
    }
    this.rt.tickNow();
  }

  /**
   * Inside the caller's transaction: ends an attempt a worker finished (its result, fenced by the
   * caller) as a tick ends any attempt: its files stored, its timeout stopped, the task settled
   * and its dependents unblocked. The caller schedules the tick that acts on what it unblocked.
   */
  endHeld(run: ActiveRun, task: TaskRun, c: Omit<CompletionReport, 'agent_id'>): void {
    if (c.files && c.files.length > 0) this.attempts.storeFiles(run, task, c.files);
    this.stopHeld(run, task);
    this.flow.complete({
      kind: 'attempt.ended',
      runId: c.run_id,
      taskId: c.task_id,
      attempt: task.attempt,
      ok: c.status === 'completed',
      output: c.output ?? null,
      error: c.error ?? 'the agent reported a failure',
    });
  }

  /** The attempt ends: its timeout no longer applies. */
  private stopHeld(run: ActiveRun, task: TaskRun): void {
    const flight = run.inflight.get(task.task_id);
    if (flight) stopFlight(flight, 'completed');
    run.inflight.delete(task.task_id);
  }

  getAgentExecutionStats(
    agentId: string,
    range: { start?: string | undefined; end?: string | undefined },
  ): AgentExecutionStats {
    this.agents.entry(agentId);
    return this.rt.store.runs.agentStats(agentId, range.start ?? '0000', range.end ?? '9999');
  }

  /** The run and task an agent holds, or a conflict error. */
  private assigned(
    agentId: string,
    runId: string,
    taskId: string,
    attempt?: number,
  ): { run: ActiveRun; task: TaskRun } {
    this.agents.entry(agentId);
    // Nothing an agent reports is taken (or acknowledged) for a run another process took over.
    const run = this.runOf(runId);
    const task = taskOf(run, taskId);
    if (task.status !== 'in_progress' || task.agent_id !== agentId) {
      throw new AppError('conflict', `Task ${taskId} is not assigned to agent ${agentId}`);
    }
    if (attempt !== undefined && attempt !== task.attempt)
      throw new AppError(
        'conflict',
        `Attempt ${attempt} of task ${taskId} was given up; the task is on attempt ${task.attempt}`,
      );
    return { run, task };
  }
}

/** The queue's groups an agent may take: its skills cover theirs, and they are pinned to no other agent. */
function takes({ agent, skills }: AgentEntry): (g: TaskGroup) => boolean {
  return (g) => (!g.pin || g.pin === agent.id) && g.skills.every((s) => skills.has(s));
}

/** Refuses an agent that lacks a skill the task requires. */
function requireSkills(agent: Agent, spec: TaskSpec): void {
  const missing = missingSkills(agent, spec.required_skills);
  if (missing.length > 0)
    throw new AppError('conflict', `Agent lacks required skills: ${missing.join(', ')}.`);
}
