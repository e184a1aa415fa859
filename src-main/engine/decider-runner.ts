import { deciderSpecSchema } from '../../src-shared/schemas/decision.ts';
import type { TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/plain/run.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import { taskSpecSchema } from '../../src-shared/schemas/plan.ts';
import { AppError, invalidInput } from '../base/errors.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { AddedSoFar } from './decisions.ts';
import {
  decidedSpec,
  descriptionKey,
  escalationTask,
  guardDecision,
  overruled,
  refusedAddition,
} from './decisions.ts';
import type { ActiveRun } from './run-state.ts';
import { ACTOR, registerAdded } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';
import type { TaskFlow } from './task-flow.ts';
import type { DeciderAnswer } from './tick-inputs.ts';

/** The cap on added tasks of a run whose plan has no decider: the decider's default. */
const DEFAULT_MAX_ADDED = deciderSpecSchema.parse({}).max_created_tasks;

/**
 * The decider, the answering half: a decider's answer (asked by `DeciderQuestions`) is applied in a
 * later tick, after the guardrails (`decisions.ts`): a task added to the running DAG, an
 * escalation to a person, or the run closed. A task an agent adds (`runs.addTask`) is added here
 * too, past the same guardrails: the tasks added by either count against one cap.
 */
export class DeciderRunner {
  private readonly rt: Runtime;
  private readonly writer: RunWriter;
  private readonly flow: TaskFlow;
  private readonly agents: AgentDirectory;

  constructor(rt: Runtime, parts: { writer: RunWriter; flow: TaskFlow; agents: AgentDirectory }) {
    this.rt = rt;
    this.writer = parts.writer;
    this.flow = parts.flow;
    this.agents = parts.agents;
  }

  /** Applies an answer (inside the tick's transaction), after the guardrails (`decisions.ts`). */
  apply(d: DeciderAnswer): void {
    const run = this.rt.active.get(d.runId);
    if (!run) return;
    const decider = run.decider!;
    decider.pending--;
    let decision = guardDecision(d.decision, this.addedSoFar(run));
    // The task to add is built and checked before anything is written: a spec the plan task
    // schema refuses would throw inside the tick's transaction, roll back the whole tick and
    // reload every run it touched. It becomes an escalation naming the field instead.
    let spec: TaskSpec | null = null;
    if (decision.action === 'create_task') {
      const isAgent = (id: string) => this.agents.all().has(id);
      const built = decidedSpec(this.nextAddedId(run, 'decided'), d.taskId, decision, isAgent);
      if (built.ok) spec = built.spec;
      else decision = overruled(decision, built.why);
    }
    const now = this.rt.iso();
    this.writer.remember({
      id: this.rt.ids.next('mem'),
      agent_id: decider.spec.kind === 'llm' ? (decider.spec.agent_id ?? 'decider') : 'decider',
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
        decider.addedDescriptions.add(descriptionKey(decision.task_description ?? ''));
        this.add(run, spec!, `added by the decider after "${d.taskId}"`);
        break;
      case 'escalate_to_human': {
        const id = this.nextAddedId(run, 'escalation');
        run.gates.add(id);
        this.add(
          run,
          taskSpecSchema.parse(escalationTask(id, d.taskId, decision.reasoning)),
          `added by the decider after "${d.taskId}"`,
        );
        break;
      }
      case 'project_complete':
        decider.closedRun = true;
        for (const t of run.tasks.values()) {
          if (isTerminalTaskStatus(t.status)) continue;
          if (t.status === 'in_progress') {
            this.flow.cancelOne(run, t, `the decider closed the run: ${decision.reasoning}`);
            decider.cancelledAsClosed++;
          } else this.flow.skip(run, t, `the decider closed the run: ${decision.reasoning}`);
        }
        break;
      case 'wait_for_more_tasks':
        break;
    }
    this.flow.maybeFinish(run);
  }

  private nextAddedId(run: ActiveRun, prefix: string): string {
    let n = run.decider!.added.size + 1;
    while (run.tasks.has(`${prefix}-${n}`)) n++;
    return `${prefix}-${n}`;
  }

  /**
   * The tasks added to the run so far (escalations aside), against its cap: its decider's count and
   * cap, or, without a decider, the tasks not in the plan against the decider's default cap.
   */
  addedSoFar(run: ActiveRun): AddedSoFar {
    const decider = run.decider;
    if (decider)
      return {
        made: decider.added.size - run.gates.size,
        max: decider.spec.max_created_tasks,
        seen: decider.addedDescriptions,
      };
    const inPlan = new Set(run.plan.tasks.map((t) => t.task_id));
    const seen = new Set<string>();
    for (const spec of run.specs.values())
      if (!inPlan.has(spec.task_id) && !run.gates.has(spec.task_id))
        seen.add(descriptionKey(spec.description.split('\n\n')[0]!));
    return { made: run.specs.size - inPlan.size - run.gates.size, max: DEFAULT_MAX_ADDED, seen };
  }

  /**
   * Refuses a task a caller would add (`runs.addTask`), with the error to answer: its id must be
   * new to the run, its dependencies tasks of the run, and the guardrails must pass
   * (`refusedAddition`: a description, the cap, no task twice).
   */
  checkAddition(run: ActiveRun, spec: TaskSpec): void {
    const where = `task "${spec.task_id}" cannot be added to run "${run.id}"`;
    if (run.tasks.has(spec.task_id))
      throw new AppError('conflict', `${where}: it already has a task "${spec.task_id}"`, {
        issues: [{ path: 'task.task_id', message: 'is taken: choose a new id' }],
      });
    const unknown = spec.depends_on.flatMap((id, i) => (run.tasks.has(id) ? [] : [i]));
    if (unknown.length > 0)
      throw invalidInput(
        where,
        unknown.map((i) => ({
          path: `task.depends_on[${i}]`,
          message: `"${spec.depends_on[i]}" is no task of this run`,
        })),
      );
    const why = refusedAddition(spec.description, this.addedSoFar(run));
    if (why) throw new AppError('conflict', `${where}: ${why}`);
  }

  /**
   * Adds a task to a running DAG (inside a transaction), past the guardrails already: ready,
   * blocked or skipped as its dependencies stand; `why` and `actor` go in its audit entry.
   */
  add(run: ActiveRun, spec: TaskSpec, why: string, actor = ACTOR): void {
    const verdict = this.flow.dependents.verdictOf(run, spec);
    const status: TaskStatus =
      verdict.kind === 'ready' ? 'ready' : verdict.kind === 'skip' ? 'skipped' : 'blocked';
    const reason = verdict.kind === 'ready' ? null : verdict.reason;
    const store = this.rt.store;
    store.runs.insertAdded(run.id, spec, run.tasks.size, status, reason, this.rt.iso());
    registerAdded(run, spec);
    // A task proposed again is a loop, whoever proposes it (`refusedAddition`).
    if (!run.gates.has(spec.task_id)) run.decider?.addedDescriptions.add(descriptionKey(spec.description));
    const task = store.runs.task(run.id, spec.task_id)!;
    run.tasks.set(spec.task_id, task);
    run.counts[status]++;
    this.writer.audit('task', spec.task_id, run.id, null, status, why, actor);
    this.rt.bus.emit('task.updated', { ...task });
    if (status === 'ready') this.flow.enqueueOrGate(run, task);
    if (verdict.kind === 'deferred') this.flow.dependents.defer(run, spec.task_id);
  }
}
