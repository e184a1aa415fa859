import type { ClaimedTask, ResultAnswer, WorkerResult } from '../../src-shared/contract/domains/workers.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { AppError } from '../base/errors.ts';
import type { AgentDirectory, AgentEntry } from './agent-directory.ts';
import type { AttemptSandboxHosts } from './executor.ts';
import type { RunLeases } from './leases.ts';
import type { PullApi } from './pull-api.ts';
import type { RunLoader } from './run-loader.ts';
import type { ActiveRun } from './run-state.ts';
import type { Runtime } from './runtime.ts';
import type { WorkerLeases } from './worker-leases.ts';

/** A result the fence let through, with the run and task it ends. */
export interface FencedResult {
  run: ActiveRun;
  task: TaskRun;
  result: WorkerResult;
}

/**
 * How remote workers take and hand back work (`workers.claim`). A claim hands the worker up to
 * its free slots of ready tasks per agent, decided and written in one transaction (the queue
 * walked best first for each agent: its skills, its pin, its status and capacity, the gates —
 * an approval the plan requires, a budget the task would pass — as dispatch decides them): the
 * engine's single thread serializes claims, so concurrent workers are handed different tasks and
 * none is offered a task another took. Each task goes out under a new numbered lease. The results
 * a worker hands in are fenced (the attempt is the task's current one, in progress, the worker's,
 * under the lease it was handed) and ended together in one tick; a late one is refused with why.
 */
export class WorkerClaims {
  private readonly rt: Runtime;
  private readonly agents: AgentDirectory;
  private readonly work: PullApi;
  private readonly leases: WorkerLeases;
  private readonly loader: RunLoader;
  private readonly runLeases: RunLeases;
  /** Workers whose last claim found less than they had room for: they wait for work (a hint wakes them). */
  private readonly waiting = new Map<string, boolean>();

  constructor(
    rt: Runtime,
    parts: {
      agents: AgentDirectory;
      work: PullApi;
      workers: WorkerLeases;
      loader: RunLoader;
      leases: RunLeases;
    },
  ) {
    this.rt = rt;
    this.agents = parts.agents;
    this.work = parts.work;
    this.leases = parts.workers;
    this.loader = parts.loader;
    this.runLeases = parts.leases;
  }

  /**
   * The agents a claim names, each the worker's own, with the room asked for each; refused as a
   * whole (before anything is taken or handed in) when one is unknown or another's.
   */
  agentsOf(workerId: string, slots: Readonly<Record<string, number>>): { entry: AgentEntry; n: number }[] {
    const asked: { entry: AgentEntry; n: number }[] = [];
    for (const [agentId, n] of Object.entries(slots)) {
      const entry = this.agents.entry(agentId);
      if (entry.agent.worker !== workerId)
        throw new AppError(
          'conflict',
          `Agent ${agentId} is not an agent of worker ${workerId}${entry.agent.worker ? ` (it is worker ${entry.agent.worker}'s)` : ''}`,
        );
      if (n > 0) asked.push({ entry, n });
    }
    return asked;
  }

  /**
   * Up to `n` tasks for each agent, taken in one transaction and leased to the worker. Whether
   * the worker then waits for work (it got less than it asked for) is noted for the hints.
   */
  claim(workerId: string, asked: readonly { entry: AgentEntry; n: number }[]): ClaimedTask[] {
    this.leases.heard(workerId);
    let want = 0;
    for (const a of asked) want += a.n;
    const taken: { run: ActiveRun; task: TaskRun; entry: AgentEntry }[] = [];
    if (want > 0 && this.rt.queue.size > 0) {
      this.runLeases.ensureFresh();
      this.loader.tx(() => {
        for (const a of asked)
          for (const t of this.work.takeFor(a.entry, a.n)) taken.push({ ...t, entry: a.entry });
      });
    }
    this.waiting.set(workerId, taken.length < want);
    const hosts = new Map<string, AttemptSandboxHosts>();
    return taken.map(({ run, task, entry }) => ({
      agent_id: entry.agent.id,
      lease: this.leases.grant(workerId, run, task),
      context: this.work.contextFor(run, task, entry.agent, hosts),
    }));
  }

  /**
   * Results the worker hands in: each fenced (refused with why when its attempt is not the
   * task's, not in progress, not the worker's, or under a lease given away), those let through
   * checked by `accept` (refused with its message when it throws) and ended together in one tick.
   * `taken` is told each ended one (its task after the tick). Answers in the order given.
   */
  finish(
    workerId: string,
    results: readonly WorkerResult[],
    accept: (r: FencedResult) => void,
    taken: (r: FencedResult) => void,
  ): ResultAnswer[] {
    this.leases.heard(workerId);
    const answers: ResultAnswer[] = [];
    const ending: FencedResult[] = [];
    /** The answers of the results let through, to say their tasks' status once they ended. */
    const told: { answer: Extract<ResultAnswer, { taken: true }>; task: TaskRun }[] = [];
    const seen = new Set<string>();
    for (const result of results) {
      const held = {
        run_id: result.run_id,
        task_id: result.task_id,
        attempt: result.attempt,
        lease: result.lease,
      };
      const key = `${result.run_id}\u0000${result.task_id}`;
      const fenced = seen.has(key)
        ? 'the same task was handed in twice in one claim'
        : this.fence(workerId, held);
      seen.add(key);
      if (typeof fenced === 'string') {
        answers.push({ ...held, taken: false, reason: fenced });
        continue;
      }
      const r = { ...fenced, result };
      try {
        accept(r);
      } catch (err) {
        answers.push({ ...held, taken: false, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
      ending.push(r);
      const answer = { ...held, taken: true as const, status: r.task.status };
      answers.push(answer);
      told.push({ answer, task: r.task });
    }
    if (ending.length > 0) {
      this.work.completeHeld(ending.map(({ run, task, result }) => ({ run, task, report: result })));
      for (const r of ending) {
        this.leases.release(r.result);
        taken(r);
      }
      // Each answer says what became of its task (done, waiting for a review, ready for a retry).
      for (const { answer, task } of told) answer.status = task.status;
    }
    return answers;
  }

  /** Whether the worker waits for work: its last claim found less than it had room for (or it made none). */
  waitsForWork(workerId: string): boolean {
    return this.waiting.get(workerId) ?? true;
  }

  /** The run and task of the attempt, if the run executes here and the worker holds it under that lease; else why not. */
  private fence(
    workerId: string,
    held: { run_id: string; task_id: string; attempt: number; lease: number },
  ): { run: ActiveRun; task: TaskRun } | string {
    // A run another process took over is not this process's to end.
    try {
      this.runLeases.activeRun(held.run_id);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    return this.leases.fence(workerId, held);
  }
}
