import type { WorkHandlers } from '../../src-shared/contract/domains/work.ts';
import { handedBestOf } from '../agents/coding/index.ts';
import { AppError } from '../base/errors.ts';
import { longPoll } from '../events/long-poll.ts';
import type { AppContext } from './context.ts';

/** The pull API over the engine: how agents that pull their work take and report it. */
export function workHandlers({ engine: { work, handoffs, workers }, bus, store }: AppContext): WorkHandlers {
  /** A report or completion naming the lease it holds the attempt under: refused when that lease was given away. */
  const refuseStaleLease = (r: {
    run_id: string;
    task_id: string;
    attempt?: number | undefined;
    lease?: number | undefined;
  }) => {
    if (r.attempt === undefined || r.lease === undefined) return;
    const why = workers.staleLease({
      run_id: r.run_id,
      task_id: r.task_id,
      attempt: r.attempt,
      lease: r.lease,
    });
    if (why !== null) throw new AppError('conflict', why);
  };
  return {
    'work.selectNext': ({ agent_id, run_id, plan_id, min_priority, require_tags, limit, wait_s }) => {
      const select = () =>
        work.selectNextTask(agent_id, { run_id, plan_id, min_priority, require_tags, limit });
      const now = select();
      if (now.task || !wait_s) return now;
      return longPoll(bus, select, (found) => found.task !== null, wait_s * 1000);
    },
    'work.context': ({ agent_id, run_id, task_id }) => work.prepareTaskContext(agent_id, run_id, task_id),
    'work.execute': ({ agent_id, run_id, task_id }) => {
      const taken = work.executeTask(agent_id, run_id, task_id);
      // A remote worker's agent holds the attempt under a numbered lease (its fencing token).
      const worker = taken.context && store.agents.get(agent_id)?.worker;
      const lease =
        worker && taken.context
          ? workers.leaseFor(worker, run_id, task_id, taken.context.attempt)
          : undefined;
      return lease === undefined ? taken : { ...taken, lease };
    },
    'work.progress': (u) => {
      refuseStaleLease(u);
      return work.updateTaskProgress(u);
    },
    'work.complete': (c) => {
      // A best-of attempt a worker ran: its candidates are recorded as the app's own are; one
      // that does not parse refuses the completion, naming the field, before anything is taken.
      const summary = handedBestOf(c.status, c.output);
      refuseStaleLease(c);
      const done = work.completeTask(c);
      if (summary) store.bestOf.save(c.run_id, c.task_id, done.task.attempt, summary);
      return done;
    },
    'work.inbox': ({ agent_id }) => work.inbox(agent_id),
    'work.team': () => handoffs.team(),
    'work.reassign': (r, call) => handoffs.reassign({ ...r, actor: r.actor ?? call.actor ?? undefined }),
    'work.giveBack': (g, call) => handoffs.giveBack({ ...g, actor: g.actor ?? call.actor ?? undefined }),
    'work.stats': ({ agent_id, start, end }) => work.getAgentExecutionStats(agent_id, { start, end }),
  };
}
