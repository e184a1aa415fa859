import { taskSpecSchema } from '../../src-shared/schemas/plan.ts';
import type { TaskStatus } from '../../src-shared/schemas/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/run.ts';
import type { AgentDirectory } from './agent-directory.ts';
import { decidedTask, descriptionKey, escalationTask, guardDecision } from './decisions.ts';
import type { ActiveRun } from './run-state.ts';
import { registerAdded } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';
import type { TaskFlow } from './task-flow.ts';
import type { DeciderAnswer } from './tick-inputs.ts';

/**
 * Seed 002, the answering half: a decider's answer (asked by `DeciderQuestions`) is applied in a
 * later tick, after the guardrails (`decisions.ts`): a task added to the running DAG, an
 * escalation to a person, or the run closed.
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
    const decision = guardDecision(d.decision, {
      made: decider.added.size - run.gates.size,
      max: decider.spec.max_created_tasks,
      seen: decider.addedDescriptions,
    });
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
        decider.closedRun = true;
        for (const t of run.tasks.values()) {
          if (isTerminalTaskStatus(t.status)) continue;
          if (t.status === 'in_progress')
            this.flow.cancelOne(run, t, `the decider closed the run: ${decision.reasoning}`);
          else this.flow.skip(run, t, `the decider closed the run: ${decision.reasoning}`);
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

  /** Adds a task to a running DAG (inside a transaction). */
  private addTask(run: ActiveRun, input: Record<string, unknown>): void {
    const spec = taskSpecSchema.parse(input);
    const verdict = this.flow.verdictOf(run, spec);
    const status: TaskStatus =
      verdict.kind === 'ready' ? 'ready' : verdict.kind === 'skip' ? 'skipped' : 'blocked';
    const reason = verdict.kind === 'ready' ? null : verdict.reason;
    const store = this.rt.store;
    store.runs.insertAdded(run.id, spec, run.tasks.size, status, reason, this.rt.iso());
    registerAdded(run, spec);
    const task = store.runs.task(run.id, spec.task_id)!;
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
    this.rt.bus.emit('task.updated', { ...task });
    if (status === 'ready') this.flow.enqueueOrGate(run, task);
    if (verdict.kind === 'deferred') this.flow.defer(run, spec.task_id);
  }
}
