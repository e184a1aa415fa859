import { contract } from '../../../src-shared/contract/index.ts';
import type { BatonTool } from '../tool.ts';
import { defineTool, READ_ONLY } from '../tool.ts';

/**
 * The pull API's read side (`GET …/next-task` and `…/context` over REST): what an agent
 * registered in Baton could take next, and what a task needs. Taking, reporting on and finishing
 * a task are that agent's own acts, never a tool's: a person's in Baton (My tasks), a remote
 * worker's with its worker token (src-main/mcp/README.md, "Who a tool acts as").
 */
export const workTools: BatonTool[] = [
  defineTool({
    name: 'next_task',
    title: 'Find the next task for an agent',
    description:
      'Finds the best ready task this agent could take (its skills, pins, priority and deadline), without taking it; null with the reason when there is none. Filters: run_id, plan_id, min_priority. `agent_id` is the id of an agent registered in Baton. A person takes it in Baton (My tasks), a remote worker with its worker token; no tool takes a task.',
    input: contract['work.selectNext'].input,
    hints: READ_ONLY,
    call: (client, args) => client.invoke('work.selectNext', args),
  }),
  defineTool({
    name: 'task_context',
    title: 'Read what a task needs',
    description:
      "What an agent needs to work on a task: the task, the agent's charter, its dependencies with their outputs, and related tasks. For a task the agent holds or could take.",
    input: contract['work.context'].input,
    hints: READ_ONLY,
    call: (client, args) => client.invoke('work.context', args),
  }),
];
