import type { DeciderSpec, Decision, DecisionContext } from '../../src-shared/schemas/decision.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { readRecordedFileSync } from '../files/recorded-file.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { KindHooks } from './kind-hooks.ts';
import type { ActiveRun } from './run-state.ts';
import { openTasks } from './run-state.ts';
import type { Runtime } from './runtime.ts';

/** Runs a plan's decider: what next, after a task ended. */
export type Decide = (
  spec: DeciderSpec,
  ctx: DecisionContext,
) => Promise<{ decision: Decision; problems?: string[]; cost?: number }>;

/**
 * The decider, the asking half: in a plan with a decider, each task that ends done, failed or
 * unassigned asks it what next (`RunWriter.setStatus` calls `ask`). The context is gathered
 * then, inside the transaction; the decider is called once it commits (`send`), and its answer
 * waits in the inbox for a later tick (`DeciderRunner.apply`).
 */
export class DeciderQuestions {
  private readonly rt: Runtime;
  private readonly agents: AgentDirectory;
  private readonly hooks: KindHooks;
  private readonly decide: Decide;
  /** Deciders to call once the transaction that asked them commits. */
  private readonly asked: (() => void)[] = [];

  constructor(rt: Runtime, agents: AgentDirectory, hooks: KindHooks, decide: Decide) {
    this.rt = rt;
    this.agents = agents;
    this.hooks = hooks;
    this.decide = decide;
  }

  /** Deciders asked and not yet called: the next tick calls them (`send`). */
  get waiting(): boolean {
    return this.asked.length > 0;
  }

  /** Gathers the project context now (inside the transaction); the decider runs after commit. */
  ask(run: ActiveRun, task: TaskRun): void {
    const store = this.rt.store;
    const spec = run.specs.get(task.task_id)!;
    if (run.gates.has(task.task_id)) return; // a person's decision is not decided on again
    const decider = run.decider!;
    const outputs: Record<string, string> = {};
    if (task.output !== null && task.output !== undefined)
      outputs.output = JSON.stringify(task.output).slice(0, 500);
    // The store is only asked for tasks known to have left files (as for dependents' contexts).
    if (run.withArtifacts.has(task.task_id)) {
      for (const a of store.execution.artifacts(run.id, task.task_id)) {
        // Only as recorded: never through a link the agent swapped in since.
        const got = readRecordedFileSync(a, 2_000);
        outputs[a.name] = got.ok ? got.head.toString('utf8').slice(0, 500) : `(${got.why})`;
      }
    }
    const files = task.status === 'done' ? this.hooks.outputFiles(task) : null;
    const c = run.counts;
    const ctx: DecisionContext = {
      goal: run.plan.goal ?? run.plan.name ?? run.plan.plan_id,
      phase: run.plan.project_id ? (store.projects.get(run.plan.project_id)?.phase ?? null) : null,
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
      history: [...decider.history],
      queue: {
        ready: c.ready,
        in_progress: c.in_progress,
        blocked: c.blocked,
        awaiting_approval: c.awaiting_approval,
        open: openTasks(run),
        unsuccessful: c.failed + c.unassigned,
      },
      agent_outputs: outputs,
      created_so_far: decider.added.size - run.gates.size,
    };
    decider.pending++;
    const answered = (decision: Decision, problems: string[]) => {
      this.rt.inbox.push({
        kind: 'decider.answer',
        runId: run.id,
        taskId: task.task_id,
        ctx,
        decision,
        problems,
      });
    };
    this.asked.push(() => {
      // The files its kind names (a coding task's changes) are read first; else the decider is called at once.
      (files ? files(outputs).then(() => this.decide(decider.spec, ctx)) : this.decide(decider.spec, ctx))
        .then(
          (r) => answered(r.decision, r.problems ?? []),
          (err: unknown) =>
            answered(
              {
                action: 'escalate_to_human',
                reasoning: `The decider failed (${err instanceof Error ? err.message : String(err)}), so a person should decide.`,
                urgency: 'high',
              },
              [],
            ),
        )
        .finally(() => this.rt.schedule());
    });
  }

  /** Calls the deciders asked in the transaction that just committed. */
  send(): void {
    if (this.asked.length === 0) return; // most ticks: no allocation
    for (const ask of this.asked.splice(0)) ask();
  }
}
