import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { RunStatus, TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { Executor, PreparedAttempt, TaskEnded } from './executor.ts';
import type { ActiveRun } from './run-state.ts';
import type { Runtime } from './runtime.ts';

/** What a kind is told of a task's end (`Executor.onTaskEnded`). */
class TaskEnd implements TaskEnded {
  readonly run_id: string;
  readonly task_id: string;
  readonly status: TaskStatus;
  readonly agent: Agent | null;
  readonly session: boolean;
  private readonly rt: Runtime;

  constructor(
    rt: Runtime,
    runId: string,
    taskId: string,
    status: TaskStatus,
    agent: Agent | null,
    session: boolean,
  ) {
    this.rt = rt;
    this.run_id = runId;
    this.task_id = taskId;
    this.status = status;
    this.agent = agent;
    this.session = session;
  }

  stopped(): Promise<void> {
    return this.rt.attempts.taskStopped(this.run_id, this.task_id);
  }
}

/** An attempt whose kind adds nothing to its context. */
const NOTHING: PreparedAttempt = {};

/**
 * Where the engine's core tells agent kinds what concerns them, through the optional hooks of
 * their executors (`Executor.prepare`, `onTaskEnded`, `onRunEnded`, `outputFiles`): the core
 * never calls a kind's own code by name. A kind without a hook is not asked; a hook that throws
 * is logged.
 */
export class KindHooks {
  private readonly rt: Runtime;
  private readonly agents: AgentDirectory;
  private endHooks: Executor[] | null = null;

  constructor(rt: Runtime, agents: AgentDirectory) {
    this.rt = rt;
    this.agents = agents;
  }

  /**
   * What the agent's kind adds to an attempt's context (its `prepare`), or why the attempt cannot
   * run. A reviewer's request and a clean start asked for the task are used up once it answers.
   */
  prepare(run: ActiveRun, task: TaskRun, spec: TaskSpec, agent: Agent): PreparedAttempt {
    const executor = this.agents.executorOf(agent);
    if (!executor?.prepare) return NOTHING;
    const taskId = task.task_id;
    const prepared = executor.prepare({
      run_id: run.id,
      plan: run.plan,
      spec,
      task,
      agent,
      marker_scope: this.rt.store.attemptScope,
      asked: run.resumeNext.get(taskId),
      start_clean: run.startCleanNext.has(taskId),
    });
    if (!('error' in prepared)) {
      run.resumeNext.delete(taskId);
      run.startCleanNext.delete(taskId);
    }
    return prepared;
  }

  /**
   * A task reached a final status (`RunWriter.setStatus`): every kind that asks is told once the
   * change commits (a kind may own what a task of another kind's agent left: a session note).
   */
  taskEnded(run: ActiveRun, task: TaskRun): void {
    const told = this.told();
    if (told.length === 0) return;
    const end = new TaskEnd(
      this.rt,
      run.id,
      task.task_id,
      task.status,
      this.agents.of(task.agent_id) ?? null,
      run.withSessions.has(task.task_id),
    );
    // A tick ends thousands of tasks: one effect after its commit tells them all (those of a
    // transaction that rolled back are never told).
    const effects = this.rt.effects;
    if (this.ended.length > 0 && this.endedIn === effects.transaction) {
      this.ended.push(end);
      return;
    }
    this.ended = [end];
    this.endedIn = effects.transaction;
    effects.afterCommit(this.tellEnded);
  }

  /** Tasks ended in the transaction going on (`endedIn`), told once it commits (`taskEnded`). */
  private ended: TaskEnd[] = [];
  private endedIn = -1;

  private readonly tellEnded = (): void => {
    const ended = this.ended;
    this.ended = [];
    const told = this.told();
    for (const end of ended)
      for (const executor of told) {
        try {
          executor.onTaskEnded?.(end);
        } catch (err) {
          this.rt.log(err, `an agent kind's hook on the end of task "${end.task_id}"`);
        }
      }
  };

  /** The executors that hear of tasks' ends (`onTaskEnded`), read once: the registry does not change. */
  private told(): Executor[] {
    this.endHooks ??= this.agents.executorsHere().filter((e) => e.onTaskEnded !== undefined);
    return this.endHooks;
  }

  /** A run ended here as `status`: every kind that asks is told once the end commits. */
  runEnded(run: ActiveRun, status: RunStatus): void {
    if (run.lost) return; // it goes on in another process
    const { attempts } = this.rt;
    const end = {
      run_id: run.id,
      status,
      resumed: run.resumed,
      stopped: () => attempts.runStopped(run.id),
    };
    for (const executor of this.agents.executorsHere())
      if (executor.onRunEnded)
        this.rt.effects.afterCommit(() =>
          this.tell(() => executor.onRunEnded?.(end), `the end of run ${run.id}`),
        );
  }

  /** Calls one kind's hook: one that throws is logged, and what it was told of stands. */
  private tell(hook: () => void, what: string): void {
    try {
      hook();
    } catch (err) {
      this.rt.log(err, `an agent kind's hook on ${what}`);
    }
  }

  /** What a decider should read of a task's output besides the output itself (`Executor.outputFiles`), if any kind names some. */
  outputFiles(task: TaskRun): ((into: Record<string, string>) => Promise<void>) | null {
    for (const executor of this.agents.executorsHere()) {
      const read = executor.outputFiles?.(task);
      if (read) return read;
    }
    return null;
  }
}
