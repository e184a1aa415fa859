import type { ClaimedTask, ResultAnswer, WorkerResult } from '../../src-shared/contract/domains/workers.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { AppError } from '../base/errors.ts';
import type { AgentDirectory, AgentEntry } from './agent-directory.ts';
import type { AttemptSandboxHosts } from './executor.ts';
import type { RunLeases } from './leases.ts';
import type { PullApi } from './pull-api.ts';
import type { RunLoader } from './run-loader.ts';
import type { ActiveRun } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';
import type { WorkerLeases } from './worker-leases.ts';

/** An agent a claim asks tasks for, and how many. */
export interface Asked {
  entry: AgentEntry;
  n: number;
}

const noCheck = (): void => {};

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
  private readonly writer: RunWriter;
  /** Workers whose last claim found less than they had room for: they wait for work (a hint wakes them). */
  private readonly waiting = new Map<string, boolean>();
  /** Each worker's agents, for the registry `byWorkerOf` (`agentsOfWorker`). */
  private readonly byWorker = new Map<string, AgentEntry[]>();
  private byWorkerOf: ReadonlyMap<string, AgentEntry> | null = null;

  constructor(
    rt: Runtime,
    parts: {
      agents: AgentDirectory;
      work: PullApi;
      workers: WorkerLeases;
      loader: RunLoader;
      leases: RunLeases;
      writer: RunWriter;
    },
  ) {
    this.rt = rt;
    this.agents = parts.agents;
    this.work = parts.work;
    this.leases = parts.workers;
    this.loader = parts.loader;
    this.runLeases = parts.leases;
    this.writer = parts.writer;
  }

  /**
   * The agents a claim names, each the worker's own, with the room asked for each; refused as a
   * whole (before anything is taken or handed in) when one is unknown or another's.
   */
  agentsOf(workerId: string, slots: Readonly<Record<string, number>>): Asked[] {
    const asked: Asked[] = [];
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
   * A worker's exchange: its results ended, then up to `n` tasks for each agent taken for it, all
   * in one transaction (one commit however many go each way), the tasks leased to it. Each result
   * is fenced first (refused with why when its attempt is not the task's, not in progress, not the
   * worker's, or under a lease given away), then checked by `accept` (refused with its message
   * when it throws); `taken` is told each one ended. Whether the worker then waits for work (it
   * got less than it asked for) is noted for the hints. Answers in the order given.
   */
  exchange(
    workerId: string,
    asked: readonly Asked[],
    results: readonly WorkerResult[],
    accept: (r: FencedResult) => void,
    taken: (r: FencedResult) => void,
  ): { results: ResultAnswer[]; tasks: ClaimedTask[] } {
    this.leases.heard(workerId);
    // What waits for a tick goes first, as a tick would apply it: a worker's last notes of an
    // attempt are stored before the attempt ends.
    if (results.length > 0 && this.rt.inbox.pending > 0) this.rt.tickNow();
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
    let want = 0;
    for (const a of asked) want += a.n;
    const claiming = want > 0 && this.rt.queue.size > 0;
    const claimed: { run: ActiveRun; task: TaskRun; entry: AgentEntry }[] = [];
    const pushed = this.rt.queue.pushes;
    if (ending.length > 0 || claiming) {
      this.runLeases.ensureFresh();
      // A write that fails throws here, nothing of it kept: the worker hands its results in again.
      this.loader.tx(() => {
        for (const { run, task, result } of ending) this.work.endHeld(run, task, result);
        // After the results: a chain's next task, ready now, goes back with the result before it.
        if (want > 0 && this.rt.queue.size > 0)
          for (const a of asked)
            for (const t of this.work.takeFor(a.entry, a.n)) claimed.push({ ...t, entry: a.entry });
      });
    }
    if (ending.length > 0) {
      // What the results unblocked (an agent here may take it), the deciders they asked, the build
      // log they changed: the loop's next tick. Results that only freed the worker's own slots
      // leave it nothing to do: the worker claims what waits for them. (A tick after each exchange
      // was a second commit and the queue's head matched again, a third of the server's time per
      // task through one worker.)
      if (this.rt.queue.pushes !== pushed || this.writer.waitsForTick()) this.rt.schedule();
      for (const r of ending) {
        this.leases.release(r.result);
        taken(r);
      }
      // Each answer says what became of its task (done, waiting for a review, ready for a retry).
      for (const { answer, task } of told) answer.status = task.status;
    }
    this.waiting.set(workerId, claimed.length < want);
    const hosts = new Map<string, AttemptSandboxHosts>();
    const tasks = claimed.map(({ run, task, entry }) => ({
      agent_id: entry.agent.id,
      lease: this.leases.grant(workerId, run, task),
      context: this.work.contextFor(run, task, entry.agent, hosts),
    }));
    return { results: answers, tasks };
  }

  /** A claim with nothing to hand in (a long-poll's later looks). */
  claim(workerId: string, asked: readonly Asked[]): ClaimedTask[] {
    return this.exchange(workerId, asked, [], noCheck, noCheck).tasks;
  }

  /**
   * Whether to wake the worker (the work signal's hint): it waits for work (its last claim found
   * less than it had room for, or it made none) and one of its agents could take a queued task
   * now. Work only the app's own agents or other workers' can take wakes nobody.
   */
  wantsWork(workerId: string): boolean {
    if (this.waiting.get(workerId) === false || this.rt.queue.size === 0) return false;
    for (const entry of this.agentsOfWorker(workerId)) if (this.work.couldTake(entry)) return true;
    return false;
  }

  /** The worker's agents, from the registry as it is now (kept until the registry changes). */
  private agentsOfWorker(workerId: string): AgentEntry[] {
    const all = this.agents.all();
    if (this.byWorkerOf !== all) {
      this.byWorkerOf = all;
      this.byWorker.clear();
      for (const entry of all.values()) {
        const w = entry.agent.worker;
        if (w === undefined) continue;
        const list = this.byWorker.get(w);
        if (list) list.push(entry);
        else this.byWorker.set(w, [entry]);
      }
    }
    return this.byWorker.get(workerId) ?? [];
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
