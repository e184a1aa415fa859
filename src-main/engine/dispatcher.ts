import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { Approvals } from './approvals/approvals.ts';
import type { Attempts } from './attempts.ts';
import type { Executor } from './executor.ts';
import { reviewsAtLimit, reviewsWaitReason } from './review-limit.ts';
import type { RunHolds } from './run-holds.ts';
import type { ActiveRun } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';
import type { TaskFlow } from './task-flow.ts';
import type { WorkBudget } from './tick-inputs.ts';

/** A task a tick assigned, to start once its transaction commits. */
export type ToStart = [ActiveRun, TaskRun, Agent, Executor];

/** Every group of the ready queue (the next task in line, whatever it waits for). */
const anyGroup = (): boolean => true;

/**
 * A tick's dispatch: ready tasks leave the queue, best first, for the agents matching picks,
 * up to the global limit; a task no agent can take now waits (its group is passed over for the
 * rest of the tick), one no agent can ever take is unassigned, one that needs an approval first
 * is gated. The attempts start after the tick commits (`Engine.tick`).
 */
export class Dispatcher {
  private readonly rt: Runtime;
  private readonly flow: TaskFlow;
  private readonly writer: RunWriter;
  private readonly agents: AgentDirectory;
  private readonly approvals: Approvals;
  private readonly holds: RunHolds;

  constructor(
    rt: Runtime,
    parts: {
      flow: TaskFlow;
      writer: RunWriter;
      agents: AgentDirectory;
      approvals: Approvals;
      holds: RunHolds;
    },
  ) {
    this.rt = rt;
    this.flow = parts.flow;
    this.writer = parts.writer;
    this.agents = parts.agents;
    this.approvals = parts.approvals;
    this.holds = parts.holds;
  }

  /**
   * Assigns what can start now, adding each to `toStart`, while the tick has time (`budget`: one
   * task at least). True when it stopped for time with tasks left in the queue.
   */
  fill(toStart: ToStart[], budget: WorkBudget): boolean {
    const { rt, flow, writer, agents, approvals } = this;
    const queue = rt.queue;
    if (queue.size === 0) return false;
    const maxInFlight = rt.config.maxInFlight;
    const exhausted = new Set<string>();
    const now = rt.clock.now();
    // Open diff reviews of each plan with `max_open_reviews`, counted once a tick when asked.
    const openReviews = new Map<string, number>();
    // Tasks taken out of the queue (assigned, unassigned or gated): one at least, then while the
    // tick has time. A group passed over costs little and is not counted.
    let moved = 0;
    while (rt.inFlight < maxInFlight) {
      if (moved > 0 && budget.spent) return queue.size > 0;
      const next = queue.best(now, (g) => !exhausted.has(g.key));
      if (!next) break;
      const run = rt.active.get(next.task.runId);
      if (!run) {
        queue.removeRun(next.task.runId);
        continue;
      }
      const task = run.tasks.get(next.task.taskId)!;
      const spec = run.specs.get(task.task_id)!;
      // A plan whose runs (or its project's) have spent its daily cap starts none of its tasks
      // until the day turns.
      const dayWait = agents.daily.planCapped(run.plan) ? agents.daily.planWait(run.plan) : null;
      if (dayWait !== null) {
        exhausted.add(next.group.key);
        if (task.reason !== dayWait) {
          task.reason = dayWait;
          writer.save(task);
        }
        continue;
      }
      const m = agents.match(spec);
      if (m.kind === 'wait') {
        exhausted.add(next.group.key);
        if (task.reason !== m.reason) {
          task.reason = m.reason;
          task.match = m.explanation;
          writer.saveWithJson(task);
        }
        continue;
      }
      if (
        m.kind === 'assigned' &&
        run.plan.max_open_reviews !== undefined &&
        agents.traitsOf(m.agent).worksInWorkspace
      ) {
        const open = reviewsAtLimit(rt.store, run.plan, openReviews);
        if (open !== null) {
          exhausted.add(next.group.key);
          const reason = reviewsWaitReason(run.plan, open);
          if (task.reason !== reason) {
            task.reason = reason;
            writer.save(task);
          }
          continue;
        }
      }
      queue.remove(run.id, task.task_id);
      moved++;
      budget.use();
      if (m.kind === 'unassigned') {
        writer.setStatus(run, task, 'unassigned', {
          reason: m.reason,
          match: m.explanation,
          finished_at: rt.iso(),
        });
        run.unassigned.set(task.task_id, { task_id: task.task_id, reason: m.reason });
        run.buildLog.dirty = true;
        flow.settleDependents(run, task.task_id);
        flow.maybeFinish(run);
        continue;
      }
      // A task queued without its approval because no agent could take it then is gated now.
      if (approvals.gateBeforeStart(run, task, spec, m.agent)) continue;
      flow.assign(run, task, m.agent, m.explanation);
      this.holds.holdHere(run, task);
      toStart.push([run, task, m.agent, agents.executorOf(m.agent)!]);
    }
    if (rt.inFlight >= maxInFlight) this.sayGlobalLimit(now);
    return false;
  }

  /** The next task in line says it waits for the global limit (the rest queue behind it). */
  private sayGlobalLimit(now: number): void {
    const { rt } = this;
    const next = rt.queue.best(now, anyGroup);
    const run = next && rt.active.get(next.task.runId);
    const task = run?.tasks.get(next!.task.taskId);
    const reason = `Waiting for capacity: ${rt.inFlight} tasks running (global limit ${rt.config.maxInFlight})`;
    if (!task || task.reason === reason) return;
    task.reason = reason;
    this.writer.save(task);
  }
}

/**
 * Starts the attempts a tick assigned. The tick's writes may still be on their way to the disk
 * (`Store.txBehind`): an attempt whose work stays inside this process (`endsWithProcess`: echo)
 * starts now, since a crash ends it with the tick it came from; any other waits until the tick is
 * stored, so that no agent ever works on a task the store does not have in progress.
 */
export function startAssigned(rt: Runtime, attempts: Attempts, toStart: readonly ToStart[]): void {
  const unwritten = rt.store.unwritten();
  const starts: ToStart[] = [];
  for (const start of toStart) {
    const [run, task, agent, executor] = start;
    if (unwritten === 0 || executor.endsWithProcess) void attempts.start(run, task, agent, executor);
    else starts.push(start);
  }
  if (starts.length === 0) return;
  rt.store.whenWritten(
    unwritten,
    () => {
      for (const [run, task, agent, executor] of starts)
        if (!rt.closed && rt.active.get(run.id) === run) void attempts.start(run, task, agent, executor);
    },
    // Not stored: the writer's failure reloads their runs, which queue those tasks again.
    () => {},
  );
}
