import { contract } from '../../../src-shared/contract/index.ts';
import type { BatonTool } from '../tool.ts';
import { defineTool, READ_ONLY } from '../tool.ts';

/**
 * Seed 004's work API, as `GET …/next-task`, `…/context`, `POST …/execute`, `…/progress` and
 * `…/complete` offer it over REST: an agent registered in Baton whose work is not started by Baton
 * (a human or pull agent) takes a ready task, reports on it and finishes it.
 */
export const workTools: BatonTool[] = [
  defineTool({
    name: 'next_task',
    title: 'Find the next task for an agent',
    description:
      'Finds the best ready task this agent could take (its skills, pins, priority and deadline), without taking it; null with the reason when there is none. Filters: run_id, plan_id, min_priority. `agent_id` is the id of an agent registered in Baton. Take the task with take_task.',
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
  defineTool({
    name: 'take_task',
    title: 'Take a task',
    description:
      'The agent takes a ready task: it becomes in_progress, held by this agent, and the answer holds its context. Answers `blocked` while dependencies are not done, `awaiting_approval` when a person must approve it first (in Baton, not here). Taking a task the agent already holds answers its context again.',
    input: contract['work.execute'].input,
    hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    call: (client, args) => client.invoke('work.execute', args),
  }),
  defineTool({
    name: 'report_progress',
    title: 'Report progress on a task',
    description:
      'Reports progress (0–100) on a task this agent holds, with an optional message and metadata; people see it live in Baton and in the task history.',
    input: contract['work.progress'].input,
    hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    call: (client, args) => client.invoke('work.progress', args),
  }),
  defineTool({
    name: 'complete_task',
    title: 'Complete a task',
    description:
      'Finishes a task this agent holds, for good: `completed` with its output (and files, which become its artifacts), or `failed` with an error (a retry may follow if the task allows; otherwise its dependents are skipped). Dependent tasks whose dependencies are now done start on their agents; the answer lists them.',
    input: contract['work.complete'].input,
    hints: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    call: (client, args) => client.invoke('work.complete', args),
  }),
];
