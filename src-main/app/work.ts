import type { WorkHandlers } from '../../src-shared/contract/domains/work.ts';
import type { AppContext } from './context.ts';

/** Seed 004's pull API over the engine. */
export function workHandlers({ engine: { work } }: AppContext): WorkHandlers {
  return {
    'work.selectNext': ({ agent_id, run_id, plan_id, min_priority, require_tags, limit }) =>
      work.selectNextTask(agent_id, { run_id, plan_id, min_priority, require_tags, limit }),
    'work.context': ({ agent_id, run_id, task_id }) => work.prepareTaskContext(agent_id, run_id, task_id),
    'work.execute': ({ agent_id, run_id, task_id }) => work.executeTask(agent_id, run_id, task_id),
    'work.progress': (u) => work.updateTaskProgress(u),
    'work.complete': (c) => work.completeTask(c),
    'work.inbox': ({ agent_id }) => work.inbox(agent_id),
    'work.stats': ({ agent_id, start, end }) => work.getAgentExecutionStats(agent_id, { start, end }),
  };
}
