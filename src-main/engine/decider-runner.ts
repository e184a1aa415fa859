import { readFileSync } from 'node:fs';
import type { DeciderSpec, Decision, DecisionContext } from '../../src-shared/schemas/decision.ts';
import { taskSpecSchema } from '../../src-shared/schemas/plan.ts';
import type { TaskRun, TaskStatus } from '../../src-shared/schemas/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/run.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../store/store.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { Ids } from './clock.ts';
import { decidedTask, descriptionKey, escalationTask, guardDecision } from './decisions.ts';
import type { ReadyQueue } from './ready-queue.ts';
import type { ActiveRun } from './run-state.ts';
import { openTasks, registerAdded } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { TaskFlow } from './task-flow.ts';

/** Runs a plan's decider (seed 002). */
export type Decide = (
  spec: DeciderSpec,
  ctx: DecisionContext,
) => Promise<{ decision: Decision; problems?: string[]; cost?: number }>;

/** A decider's answer, applied in the next tick. */
interface DecisionDone {
  runId: string;
  taskId: string;
  ctx: DecisionContext;
  decision: Decision;
  problems: string[];
}

export interface DeciderRunnerOptions {
  store: Store;
  bus: EventBus;
  ids: Ids;
  writer: RunWriter;
  flow: TaskFlow;
  agents: AgentDirectory;
  queue: ReadyQueue;
  active: Map<string, ActiveRun>;
  decide: Decide;
  schedule: () => void;
}

/**
 * Seed 002: in a plan with a decider, each task that ends done, failed or unassigned asks it
 * what next. The context is gathered inside the transaction; the decider runs after commit
 * (`runAsked`); its answer is applied in a later tick (`apply`): a task added to the running
 * DAG, an escalation to a person, or the run closed.
 */
export class DeciderRunner {
  private readonly store: Store;
  private readonly bus: EventBus;
  private readonly ids: Ids;
  private readonly writer: RunWriter;
  private readonly flow: TaskFlow;
  private readonly agents: AgentDirectory;
  private readonly queue: ReadyQueue;
  private readonly active: Map<string, ActiveRun>;
  private readonly decide: Decide;
  private readonly schedule: () => void;
  /** Deciders to call once the transaction that asked them commits. */
  private readonly asked: (() => void)[] = [];
  /** Answers not applied yet. */
  private done: DecisionDone[] = [];

  constructor(opts: DeciderRunnerOptions) {
    this.store = opts.store;
    this.bus = opts.bus;
    this.ids = opts.ids;
    this.writer = opts.writer;
    this.flow = opts.flow;
    this.agents = opts.agents;
    this.queue = opts.queue;
    this.active = opts.active;
    this.decide = opts.decide;
    this.schedule = opts.schedule;
  }

  /** The answers that arrived since the last call, to apply in this tick. */
  takeAnswers(): DecisionDone[] {
    const done = this.done;
    this.done = [];
    return done;
  }

  /** Calls the deciders asked in the transaction that just committed. */
  runAsked(): void {
    if (this.asked.length === 0) return; // most ticks: no allocation
    for (const ask of this.asked.splice(0)) ask();
  }

  /** Gathers the project context now (inside the transaction); the decider runs after commit. */
  ask(run: ActiveRun, task: TaskRun): void {
    const spec = run.specs.get(task.task_id)!;
    if (run.gates.has(task.task_id)) return; // a person's decision is not decided on again
    const outputs: Record<string, string> = {};
    if (task.output !== null && task.output !== undefined)
      outputs.output = JSON.stringify(task.output).slice(0, 500);
    // The store is only asked for tasks known to have left files (as for dependents' contexts).
    if (run.withArtifacts.has(task.task_id)) {
      for (const a of this.store.execution.artifacts(run.id, task.task_id)) {
        try {
          outputs[a.name] = readFileSync(a.path, 'utf8').slice(0, 500);
        } catch {
          outputs[a.name] = '(the file is gone)';
        }
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
      agents: [...this.agents.all().values()].map(({ agent }) => ({
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
        open: openTasks(run),
        unsuccessful: c.failed + c.unassigned,
      },
      agent_outputs: outputs,
      created_so_far: run.added.size - run.gates.size,
    };
    run.pendingDecisions++;
    const decider = run.decider!;
    this.asked.push(() => {
      this.decide(decider, ctx)
        .then(
          (r) =>
            this.done.push({
              runId: run.id,
              taskId: task.task_id,
              ctx,
              decision: r.decision,
              problems: r.problems ?? [],
            }),
          (err: unknown) =>
            this.done.push({
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

  /** Applies an answer (inside the tick's transaction), after the guardrails (`decisions.ts`). */
  apply(d: DecisionDone): void {
    const run = this.active.get(d.runId);
    if (!run) return;
    run.pendingDecisions--;
    const decision = guardDecision(d.decision, {
      made: run.added.size - run.gates.size,
      max: run.decider!.max_created_tasks,
      seen: run.addedDescriptions,
    });
    const now = this.writer.iso();
    this.writer.remember({
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
    this.writer.audit(
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
          decidedTask(this.nextAddedId(run, 'decided'), d.taskId, decision, (id) =>
            this.agents.all().has(id),
          ),
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
            this.flow.cancelOne(run, t, `the decider closed the run: ${decision.reasoning}`);
          else {
            this.queue.remove(run.id, t.task_id);
            this.writer.setStatus(run, t, 'skipped', {
              reason: `the decider closed the run: ${decision.reasoning}`,
              finished_at: this.writer.iso(),
            });
          }
        }
        break;
      case 'wait_for_more_tasks':
        break;
    }
    this.flow.maybeFinish(run);
  }

  private nextAddedId(run: ActiveRun, prefix: string): string {
    let n = run.added.size + 1;
    while (run.tasks.has(`${prefix}-${n}`)) n++;
    return `${prefix}-${n}`;
  }

  /** Adds a task to a running DAG (inside a transaction). */
  private addTask(run: ActiveRun, input: Record<string, unknown>): void {
    const spec = taskSpecSchema.parse(input);
    const verdict = this.flow.verdictOf(run, spec);
    const status: TaskStatus =
      verdict.kind === 'ready' ? 'ready' : verdict.kind === 'skip' ? 'skipped' : 'blocked';
    const reason = verdict.kind === 'ready' ? null : verdict.reason;
    this.store.runs.insertAdded(run.id, spec, run.tasks.size, status, reason, this.writer.iso());
    registerAdded(run, spec);
    const task = this.store.runs.task(run.id, spec.task_id)!;
    run.tasks.set(spec.task_id, task);
    run.counts[status]++;
    this.writer.audit(
      'task',
      spec.task_id,
      run.id,
      null,
      status,
      `added by the decider after "${spec.depends_on[0]}"`,
    );
    this.bus.emit('task.updated', { ...task });
    if (status === 'ready') this.flow.enqueueOrGate(run, task);
    if (verdict.kind === 'deferred') this.flow.defer(run, spec.task_id);
  }
}
