import { hostname } from 'node:os';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { BuildLogContent, MemoryEntry } from '../../src-shared/schemas/memory.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import type {
  BuildResponse,
  DelegatedTask,
  Run,
  RunStatus,
  TaskRun,
  TaskStatus,
  UnassignedTask,
} from '../../src-shared/schemas/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/run.ts';
import type { EventBus } from '../app/event-bus.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Clock, Ids } from './clock.ts';
import { randomIds, systemClock } from './clock.ts';
import type { ExecutorRegistry, TaskContext } from './executor.ts';
import { matchAgent } from './matching.ts';
import { taskScore } from './priority.ts';
import { assertTransition } from './task-state.ts';

export interface EngineOptions {
  store: Store;
  bus: EventBus;
  executors: ExecutorRegistry;
  clock?: Clock;
  ids?: Ids;
  /** Identifies this process in run leases. */
  owner?: string;
  /** Most tasks in flight at once across all runs. */
  maxInFlight?: number;
  leaseTtlMs?: number;
}

interface ActiveRun {
  id: string;
  plan: Plan;
  memoryId: string;
  createdAt: string;
  specs: Map<string, TaskSpec>;
  seq: Map<string, number>;
  tasks: Map<string, TaskRun>;
  dependents: Map<string, string[]>;
  ready: Set<string>;
  inflight: Map<string, AbortController>;
  delegated: Map<string, DelegatedTask>;
  unassigned: Map<string, UnassignedTask>;
  logDirty: boolean;
}

interface Completion {
  runId: string;
  taskId: string;
  attempt: number;
  ok: boolean;
  output?: unknown;
  error?: string;
}

const ACTOR = 'engine';

/**
 * The orchestration engine. Every state change is committed to the store, one
 * transaction per tick, before any executor is started or any event is sent; a restarted
 * process resumes unfinished runs from the store (see ARCHITECTURE.md).
 */
export class Engine {
  private readonly store: Store;
  private readonly bus: EventBus;
  private readonly executors: ExecutorRegistry;
  private readonly clock: Clock;
  private readonly ids: Ids;
  readonly owner: string;
  private readonly maxInFlight: number;
  private readonly leaseTtlMs: number;

  private readonly active = new Map<string, ActiveRun>();
  private readonly load = new Map<string, number>();
  private readonly waiters = new Map<string, ((run: Run) => void)[]>();
  private completions: Completion[] = [];
  private dirty = new Set<string>();
  private inFlight = 0;
  private scheduled = false;
  private agents: Agent[] | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(opts: EngineOptions) {
    this.store = opts.store;
    this.bus = opts.bus;
    this.executors = opts.executors;
    this.clock = opts.clock ?? systemClock;
    this.ids = opts.ids ?? randomIds;
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:${randomIds.next('engine')}`;
    this.maxInFlight = opts.maxInFlight ?? 256;
    this.leaseTtlMs = opts.leaseTtlMs ?? 30_000;
  }

  /** Call when the agent registry changed. */
  agentsChanged(): void {
    this.agents = null;
    for (const id of this.active.keys()) this.dirty.add(id);
    this.schedule();
  }

  /** Seed 000 build: creates the run, delegates every ready task, and returns at once. */
  startRun(planId: string): BuildResponse {
    const stored = this.store.plans.get(planId);
    if (!stored) throw new AppError('not_found', `plan "${planId}" not found`);
    const now = this.iso();
    const runId = this.ids.next('run');
    const memoryId = this.ids.next('mem');
    const plan = stored.plan;
    this.store.tx(() => {
      this.store.runs.insertRun(
        {
          id: runId,
          plan_id: plan.plan_id,
          plan_version: stored.version,
          project_id: plan.project_id ?? null,
          status: 'executing',
          memory_id: memoryId,
          created_at: now,
          lease_owner: this.owner,
          lease_expires_at: this.clock.now() + this.leaseTtlMs,
        },
        plan.tasks.map((t) => t.task_id),
      );
      const content: BuildLogContent = {
        plan_id: plan.plan_id,
        delegated_tasks: [],
        unassigned_tasks: [],
        timestamp: now,
      };
      this.store.memory.insert({
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
      });
      this.audit(
        'run',
        runId,
        runId,
        null,
        'executing',
        `run of plan "${plan.plan_id}" v${stored.version} started`,
      );
    });
    this.activate(runId, plan, memoryId, now);
    this.tick();
    const run = this.active.get(runId);
    const delegated = run ? [...run.delegated.values()] : this.delegationsFromStore(runId);
    const status = this.store.runs.get(runId)?.status;
    return {
      status:
        status === 'failed' || (delegated.length === 0 && status !== 'executing') ? 'failed' : 'executing',
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
      if (!this.store.runs.takeLease(runId, this.owner, this.clock.now(), this.leaseTtlMs)) continue;
      const run = this.store.runs.get(runId)!;
      const stored = this.store.plans.get(run.plan_id, run.plan_version);
      if (!stored) {
        this.store.tx(() => {
          this.store.runs.setStatus(runId, 'failed', this.iso());
          this.audit(
            'run',
            runId,
            runId,
            'executing',
            'failed',
            'plan version is missing; run cannot resume',
          );
        });
        continue;
      }
      const active = this.activate(runId, stored.plan, run.memory_id, run.created_at);
      this.store.tx(() => {
        for (const t of active.tasks.values()) {
          if (t.status === 'in_progress') {
            this.setStatus(active, t, 'ready', {
              reason: 'interrupted by a restart; retried as a new attempt',
            });
          }
        }
      });
      resumed.push(runId);
    }
    this.schedule();
    return resumed;
  }

  cancelRun(runId: string): Run {
    const run = this.store.runs.get(runId);
    if (!run) throw new AppError('not_found', `run "${runId}" not found`);
    if (run.status !== 'executing') throw new AppError('conflict', `run "${runId}" is already ${run.status}`);
    const active = this.active.get(runId);
    if (!active) {
      throw new AppError('conflict', `run "${runId}" is being executed by another process; cancel it there`);
    }
    this.store.tx(() => {
      for (const t of active.tasks.values()) {
        if (isTerminalTaskStatus(t.status)) continue;
        if (t.status === 'in_progress') this.release(t.agent_id);
        this.setStatus(active, t, 'cancelled', { reason: 'run cancelled', finished_at: this.iso() });
      }
      this.finish(active, 'cancelled');
    });
    for (const ac of active.inflight.values()) ac.abort();
    return this.store.runs.get(runId)!;
  }

  /** Resolves when the run reaches a final status. */
  whenSettled(runId: string): Promise<Run> {
    const run = this.store.runs.get(runId);
    if (!run) return Promise.reject(new AppError('not_found', `run "${runId}" not found`));
    if (run.status !== 'executing') return Promise.resolve(run);
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Stops work without changing any state: unfinished runs resume in the next process. */
  close(): void {
    this.closed = true;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    for (const run of this.active.values()) {
      for (const ac of run.inflight.values()) ac.abort();
      this.store.runs.dropLease(run.id, this.owner);
    }
    this.active.clear();
  }

  // ---- internals ---------------------------------------------------------------------

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private activate(runId: string, plan: Plan, memoryId: string, createdAt: string): ActiveRun {
    const run: ActiveRun = {
      id: runId,
      plan,
      memoryId,
      createdAt,
      specs: new Map(plan.tasks.map((t) => [t.task_id, t])),
      seq: new Map(plan.tasks.map((t, i) => [t.task_id, i])),
      tasks: new Map(this.store.runs.tasks(runId).map((t) => [t.task_id, t])),
      dependents: new Map(),
      ready: new Set(),
      inflight: new Map(),
      delegated: new Map(),
      unassigned: new Map(),
      logDirty: false,
    };
    for (const t of plan.tasks) {
      for (const dep of t.depends_on) {
        const list = run.dependents.get(dep) ?? [];
        list.push(t.task_id);
        run.dependents.set(dep, list);
      }
    }
    for (const t of run.tasks.values()) {
      if (t.status === 'ready') run.ready.add(t.task_id);
      if (t.agent_id && t.delegation_task_id && t.status !== 'ready') {
        run.delegated.set(t.task_id, {
          task_id: t.task_id,
          assigned_agent: t.agent_id,
          delegation_task_id: t.delegation_task_id,
        });
      }
      if (t.status === 'unassigned')
        run.unassigned.set(t.task_id, { task_id: t.task_id, reason: t.reason ?? '' });
    }
    this.active.set(runId, run);
    this.dirty.add(runId);
    this.startLeaseTimer();
    return run;
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
        for (const ac of run.inflight.values()) ac.abort();
        this.active.delete(run.id);
      }
    }
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.tick();
    });
  }

  /** One step: apply completions, dispatch ready work, commit, then act. */
  private tick(): void {
    if (this.closed) return;
    const completions = this.completions;
    this.completions = [];
    const toStart: [ActiveRun, TaskRun][] = [];
    this.store.tx(() => {
      for (const c of completions) this.applyCompletion(c);
      if (completions.length > 0) {
        // Freed capacity may let waiting tasks of any run go ahead.
        for (const run of this.active.values()) if (run.ready.size > 0) this.dirty.add(run.id);
      }
      for (const runId of this.dirty) {
        const run = this.active.get(runId);
        if (!run) continue;
        this.evaluatePending(run);
        this.dispatch(run, toStart);
        if (run.logDirty) this.writeBuildLog(run);
        if ([...run.tasks.values()].every((t) => isTerminalTaskStatus(t.status))) {
          this.finish(
            run,
            [...run.tasks.values()].every((t) => t.status === 'done') ? 'completed' : 'failed',
          );
        }
      }
      this.dirty.clear();
    });
    for (const [run, task] of toStart) void this.execute(run, task);
  }

  private evaluatePending(run: ActiveRun): void {
    for (const t of run.tasks.values()) {
      if (t.status !== 'pending') continue;
      const spec = run.specs.get(t.task_id)!;
      const waiting = spec.depends_on.filter((d) => run.tasks.get(d)?.status !== 'done');
      const failedDep = spec.depends_on.find((d) => {
        const s = run.tasks.get(d)?.status;
        return s !== undefined && s !== 'done' && isTerminalTaskStatus(s);
      });
      if (failedDep) {
        this.skipWithDependents(
          run,
          t,
          `dependency "${failedDep}" ended ${run.tasks.get(failedDep)!.status}`,
        );
      } else if (waiting.length === 0) {
        this.setStatus(run, t, 'ready', { reason: null });
        run.ready.add(t.task_id);
      } else {
        this.setStatus(run, t, 'blocked', { reason: `waiting for ${waiting.join(', ')}` });
      }
    }
  }

  private dispatch(run: ActiveRun, toStart: [ActiveRun, TaskRun][]): void {
    if (run.ready.size === 0) return;
    const now = this.clock.now();
    const order = [...run.ready].sort((a, b) => {
      const sa = taskScore(run.specs.get(a)!, now);
      const sb = taskScore(run.specs.get(b)!, now);
      return sb - sa || run.seq.get(a)! - run.seq.get(b)!;
    });
    const agents = this.agentList();
    for (const taskId of order) {
      if (this.inFlight >= this.maxInFlight) break;
      const task = run.tasks.get(taskId)!;
      const spec = run.specs.get(taskId)!;
      const m = matchAgent(spec, agents, (id) => this.load.get(id) ?? 0);
      if (m.kind === 'wait') {
        if (task.reason !== m.reason) {
          task.reason = m.reason;
          task.match = m.explanation;
          task.updated_at = this.iso();
          this.store.runs.saveTask(task);
          this.bus.emit('task.updated', { ...task });
        }
        continue;
      }
      run.ready.delete(taskId);
      if (m.kind === 'unassigned') {
        this.setStatus(run, task, 'unassigned', {
          reason: m.reason,
          match: m.explanation,
          finished_at: this.iso(),
        });
        run.unassigned.set(taskId, { task_id: taskId, reason: m.reason });
        run.logDirty = true;
        this.skipDependents(run, taskId, `dependency "${taskId}" is unassigned`);
        continue;
      }
      const attempt = task.attempt + 1;
      const delegation = attempt === 1 ? `${taskId}-delegated` : `${taskId}-delegated-${attempt}`;
      this.setStatus(run, task, 'in_progress', {
        agent_id: m.agent.id,
        delegation_task_id: delegation,
        attempt,
        reason: null,
        match: m.explanation,
        error: null,
        started_at: this.iso(),
        finished_at: null,
      });
      run.delegated.set(taskId, {
        task_id: taskId,
        assigned_agent: m.agent.id,
        delegation_task_id: delegation,
      });
      run.logDirty = true;
      this.load.set(m.agent.id, (this.load.get(m.agent.id) ?? 0) + 1);
      this.inFlight++;
      toStart.push([run, task]);
    }
  }

  private async execute(run: ActiveRun, task: TaskRun): Promise<void> {
    const spec = run.specs.get(task.task_id)!;
    const agent = this.agentList().find((a) => a.id === task.agent_id);
    const ac = new AbortController();
    run.inflight.set(task.task_id, ac);
    const done = (c: Omit<Completion, 'runId' | 'taskId' | 'attempt'>) => {
      run.inflight.delete(task.task_id);
      if (ac.signal.aborted) return; // cancelled or shut down: the state was already settled
      this.completions.push({ runId: run.id, taskId: task.task_id, attempt: task.attempt, ...c });
      this.schedule();
    };
    if (!agent) {
      done({ ok: false, error: `agent "${task.agent_id}" was removed` });
      return;
    }
    const ctx: TaskContext = {
      run_id: run.id,
      plan_id: run.plan.plan_id,
      project_id: run.plan.project_id ?? null,
      task: spec,
      attempt: task.attempt,
      delegation_task_id: task.delegation_task_id!,
      agent,
      dependencies: spec.depends_on.map((d) => {
        const t = run.tasks.get(d)!;
        return { task_id: d, status: t.status, output: t.output };
      }),
    };
    try {
      for await (const ev of this.executors[agent.kind].start(ctx, ac.signal)) {
        if (ev.type === 'result') return done({ ok: true, output: ev.output });
        if (ev.type === 'error') return done({ ok: false, error: ev.message });
      }
      done({ ok: false, error: 'agent finished without a result' });
    } catch (err) {
      done({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  private applyCompletion(c: Completion): void {
    const run = this.active.get(c.runId);
    if (!run) return;
    const task = run.tasks.get(c.taskId)!;
    if (task.status !== 'in_progress' || task.attempt !== c.attempt) return;
    this.release(task.agent_id);
    this.dirty.add(run.id);
    if (c.ok) {
      this.setStatus(run, task, 'done', { output: c.output ?? null, finished_at: this.iso(), reason: null });
      for (const depId of run.dependents.get(task.task_id) ?? []) {
        const dep = run.tasks.get(depId)!;
        if (dep.status !== 'blocked' && dep.status !== 'pending') continue;
        const spec = run.specs.get(depId)!;
        if (spec.depends_on.every((d) => run.tasks.get(d)!.status === 'done')) {
          this.setStatus(run, dep, 'ready', { reason: null });
          run.ready.add(depId);
        } else if (dep.status === 'blocked') {
          const waiting = spec.depends_on.filter((d) => run.tasks.get(d)!.status !== 'done');
          dep.reason = `waiting for ${waiting.join(', ')}`;
        }
      }
    } else {
      this.setStatus(run, task, 'failed', { error: c.error ?? 'failed', finished_at: this.iso() });
      this.skipDependents(run, task.task_id, `dependency "${task.task_id}" failed`);
    }
  }

  private release(agentId: string | null): void {
    this.inFlight--;
    if (agentId) this.load.set(agentId, Math.max(0, (this.load.get(agentId) ?? 1) - 1));
  }

  private skipWithDependents(run: ActiveRun, task: TaskRun, reason: string): void {
    this.setStatus(run, task, 'skipped', { reason, finished_at: this.iso() });
    run.ready.delete(task.task_id);
    this.skipDependents(run, task.task_id, `dependency "${task.task_id}" was skipped`);
  }

  /** Skips every transitive dependent that has not ended; independent branches go on. */
  private skipDependents(run: ActiveRun, taskId: string, reason: string): void {
    const queue: [string, string][] = (run.dependents.get(taskId) ?? []).map((d) => [d, reason]);
    while (queue.length > 0) {
      const [id, why] = queue.shift()!;
      const t = run.tasks.get(id)!;
      if (isTerminalTaskStatus(t.status) || t.status === 'in_progress') continue;
      this.setStatus(run, t, 'skipped', { reason: why, finished_at: this.iso() });
      run.ready.delete(id);
      for (const d of run.dependents.get(id) ?? []) queue.push([d, `dependency "${id}" was skipped`]);
    }
  }

  private setStatus(run: ActiveRun, task: TaskRun, to: TaskStatus, patch: Partial<TaskRun>): void {
    const from = task.status;
    assertTransition(task.task_id, from, to);
    Object.assign(task, patch, { status: to, updated_at: this.iso() });
    this.store.runs.saveTask(task);
    this.audit(
      'task',
      task.task_id,
      run.id,
      from,
      to,
      patch.reason ?? patch.error ?? transitionWhy(to, task),
    );
    this.bus.emit('task.updated', { ...task });
  }

  private finish(run: ActiveRun, status: RunStatus): void {
    const now = this.iso();
    this.store.runs.setStatus(run.id, status, now);
    this.audit('run', run.id, run.id, 'executing', status, `run ${status}`);
    this.writeBuildLog(run, status);
    this.store.runs.dropLease(run.id, this.owner);
    this.active.delete(run.id);
    const final = this.store.runs.get(run.id)!;
    this.bus.emit('run.updated', final);
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

  private writeBuildLog(run: ActiveRun, status: RunStatus = 'executing'): void {
    const now = this.iso();
    const content: BuildLogContent = {
      plan_id: run.plan.plan_id,
      delegated_tasks: [...run.delegated.values()].sort(
        (a, b) => run.seq.get(a.task_id)! - run.seq.get(b.task_id)!,
      ),
      unassigned_tasks: [...run.unassigned.values()].sort(
        (a, b) => run.seq.get(a.task_id)! - run.seq.get(b.task_id)!,
      ),
      timestamp: now,
    };
    const entry = {
      id: run.memoryId,
      content,
      tags: ['build_log', `plan:${run.plan.plan_id}`],
      status,
      updated_at: now,
    };
    this.store.memory.update(entry);
    run.logDirty = false;
    const full = this.store.memory.get(run.memoryId);
    if (full) this.bus.emit('memory.written', full satisfies MemoryEntry);
    const r = this.store.runs.get(run.id);
    if (r) this.bus.emit('run.updated', r);
  }

  private delegationsFromStore(runId: string): DelegatedTask[] {
    return this.store.runs
      .tasks(runId)
      .filter((t) => t.agent_id && t.delegation_task_id)
      .map((t) => ({
        task_id: t.task_id,
        assigned_agent: t.agent_id!,
        delegation_task_id: t.delegation_task_id!,
      }));
  }

  private agentList(): Agent[] {
    this.agents ??= this.store.agents.list();
    return this.agents;
  }

  private audit(
    entity: 'run' | 'task',
    entityId: string,
    runId: string,
    from: string | null,
    to: string | null,
    why: string,
  ): void {
    this.store.memory.audit({
      at: this.iso(),
      actor: ACTOR,
      entity,
      entity_id: entityId,
      run_id: runId,
      from_status: from,
      to_status: to,
      why,
    });
  }
}

function transitionWhy(to: TaskStatus, task: TaskRun): string {
  switch (to) {
    case 'in_progress':
      return `delegated to ${task.agent_id} as ${task.delegation_task_id} (attempt ${task.attempt})`;
    case 'done':
      return 'agent returned a result';
    case 'ready':
      return 'dependencies met';
    default:
      return to;
  }
}
