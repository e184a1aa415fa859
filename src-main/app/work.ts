import type { WorkHandlers } from '../../src-shared/contract/domains/work.ts';
import type { EventName } from '../../src-shared/contract/events.ts';
import { bestOfSummarySchema } from '../../src-shared/schemas/best-of.ts';
import { invalidInput } from '../base/errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { AppContext } from './context.ts';

/** Events after which a waiting pull may find a task: tasks, runs and agents changed. */
const MAY_OFFER = ['task.updated', 'run.updated', 'agent.updated'] as const satisfies readonly EventName[];

/** The pull API over the engine: how agents that pull their work take and report it. */
export function workHandlers({ engine: { work, handoffs }, bus, store }: AppContext): WorkHandlers {
  return {
    'work.selectNext': ({ agent_id, run_id, plan_id, min_priority, require_tags, limit, wait_s }) => {
      const select = () =>
        work.selectNextTask(agent_id, { run_id, plan_id, min_priority, require_tags, limit });
      const now = select();
      if (now.task || !wait_s) return now;
      return longPoll(bus, select, wait_s * 1000);
    },
    'work.context': ({ agent_id, run_id, task_id }) => work.prepareTaskContext(agent_id, run_id, task_id),
    'work.execute': ({ agent_id, run_id, task_id }) => work.executeTask(agent_id, run_id, task_id),
    'work.progress': (u) => work.updateTaskProgress(u),
    'work.complete': (c) => {
      // A best-of attempt a worker ran: its candidates are recorded as the app's own are (the
      // leaderboard and matching's wins read them). One that does not parse refuses the
      // completion, naming the field, before anything is taken.
      const best = (c.output as { best_of?: unknown } | null | undefined)?.best_of;
      const summary =
        c.status === 'completed' && best !== undefined ? bestOfSummarySchema.safeParse(best) : null;
      if (summary && !summary.success)
        throw invalidInput(
          'work.complete',
          summary.error.issues.map((i) => ({
            path: ['output', 'best_of', ...i.path].join('.'),
            message: i.message,
          })),
        );
      const done = work.completeTask(c);
      if (summary?.success) store.bestOf.save(c.run_id, c.task_id, done.task.attempt, summary.data);
      return done;
    },
    'work.inbox': ({ agent_id }) => work.inbox(agent_id),
    'work.team': () => handoffs.team(),
    'work.reassign': (r) => handoffs.reassign(r),
    'work.giveBack': (g) => handoffs.giveBack(g),
    'work.stats': ({ agent_id, start, end }) => work.getAgentExecutionStats(agent_id, { start, end }),
  };
}

/**
 * Asks again after each batch of events that may offer a task, until one is found or `ms` pass
 * (then the last answer, with its reason). A pull that waits costs nothing between events.
 */
function longPoll<T extends { task: unknown }>(bus: EventBus, select: () => T, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (answer: () => T) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearTimeout(timer);
      try {
        resolve(answer());
      } catch (err) {
        reject(err);
      }
    };
    const unsubscribe = bus.subscribe(() => {
      if (settled) return;
      let found: T;
      try {
        found = select();
      } catch (err) {
        // The agent was removed meanwhile: say so now.
        return settle(() => {
          throw err;
        });
      }
      if (found.task) settle(() => found);
    }, MAY_OFFER);
    const timer = setTimeout(() => settle(select), ms);
    // A waiting pull keeps no process alive.
    timer.unref();
  });
}
