import type { WorkHandlers } from '../../src-shared/contract/domains/work.ts';
import type { AppContext } from './context.ts';

/** Seed 004's pull API over the engine. */
export function workHandlers({ engine }: AppContext): WorkHandlers {
  return {
    'work.selectNext': ({ agent_id, run_id, plan_id, min_priority }) =>
      engine.selectNextTask(agent_id, { run_id, plan_id, min_priority }),
    'work.context': ({ agent_id, run_id, task_id }) => engine.prepareTaskContext(agent_id, run_id, task_id),
    'work.execute': ({ agent_id, run_id, task_id }) => engine.executeTask(agent_id, run_id, task_id),
    'work.progress': (u) => engine.updateTaskProgress(u),
    'work.complete': (c) => engine.completeTask(c),
    'work.inbox': ({ agent_id }) => engine.inbox(agent_id),
    'work.stats': ({ agent_id, start, end }) => engine.getAgentExecutionStats(agent_id, { start, end }),
  };
}
