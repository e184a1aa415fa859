import { z } from 'zod';
import { contract } from '../../../src-shared/contract/index.ts';
import { idSchema } from '../../../src-shared/schemas/common.ts';
import type { RunDetail } from '../../../src-shared/schemas/run.ts';
import { addedTaskSchema } from '../../../src-shared/schemas/run.ts';
import type { BatonTool } from '../tool.ts';
import { clipped, defineTool, READ_ONLY } from '../tool.ts';

/** Plans and runs: list and read them, start a run of a stored plan, add a task to a running run. */
export const runTools: BatonTool[] = [
  defineTool({
    name: 'list_plans',
    title: 'List plans',
    description:
      "Lists the plans stored in Baton: each plan's id, name, current version, number of tasks and when it was saved. Read one with get_plan; start it with start_run.",
    input: contract['plans.list'].input,
    hints: READ_ONLY,
    call: (client) => client.invoke('plans.list', {}),
  }),
  defineTool({
    name: 'get_plan',
    title: 'Read a plan',
    description:
      'Reads a stored plan: its goal, budget, decider and every task (id, description, required skills, dependencies, priority, approval). The current version unless `version` names an earlier one.',
    input: contract['plans.get'].input,
    hints: READ_ONLY,
    call: (client, args) => client.invoke('plans.get', args),
  }),
  defineTool({
    name: 'list_runs',
    title: 'List runs',
    description:
      "Lists runs, newest first (of one plan with `plan_id`): each run's id, plan and version, status (executing, completed, failed, cancelled), when it started and ended, and how many of its tasks are in each status. Read one run's tasks with get_run.",
    input: contract['runs.list'].input.extend({
      limit: z
        .number()
        .int()
        .min(1)
        .max(500)
        .default(20)
        .describe('How many runs, newest first (20 by default).'),
    }),
    hints: READ_ONLY,
    async call(client, { limit, ...filter }) {
      const runs = await client.invoke('runs.list', filter);
      return { total: runs.length, runs: runs.slice(0, limit) };
    },
  }),
  defineTool({
    name: 'get_run',
    title: 'Read a run',
    description:
      "Reads a run and each of its tasks: status (ready, blocked, in_progress, awaiting_approval, done, failed, skipped, unassigned, cancelled), the agent that has it, its attempt, why it waits or failed, its progress and its output (long outputs are cut). Also the tasks added while it ran, and the run's build log memory id.",
    input: contract['runs.get'].input,
    hints: READ_ONLY,
    call: async (client, args) => runView(await client.invoke('runs.get', args)),
  }),
  defineTool({
    name: 'start_run',
    title: 'Start a run of a plan',
    description:
      "Starts a run of a stored plan (its current version, or the plan_version given): its ready tasks are delegated to their best-fit agents as it starts (a large run's over its first few ticks), and the run goes on in Baton while this call answers with the run id, the delegations so far and the build log's memory id. Follow it with get_run. Tasks that need a person's approval wait in Baton's inbox: no tool answers them.",
    // The run records it was started over MCP: a client does not name who started it.
    input: contract['runs.start'].input.omit({ actor: true }),
    hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    call: async (client, args) => {
      const { status, delegated_tasks, memory_id, run_id } = await client.invoke('runs.start', {
        ...args,
        actor: 'mcp',
      });
      return { status, delegated_tasks, memory_id, run_id };
    },
  }),
  defineTool({
    name: 'add_task',
    title: 'Add a task to a running run',
    description:
      "Adds a task to a run that is executing, under the decider's guardrails: its task_id must be new to the run, depends_on must name tasks of the run (it starts once they are all done), the run's cap on added tasks holds (the plan's decider.max_created_tasks, else 20, shared with its decider), and the same task (by description) is never added twice. A refusal says which rule. `agent_id` (who you are) is recorded in the run's audit log.",
    input: z.strictObject({
      run_id: contract['runs.addTask'].input.shape.run_id,
      agent_id: idSchema.describe('Who adds the task: your agent id or name, for the audit log.'),
      task: addedTaskSchema,
    }),
    hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    call: (client, { run_id, agent_id, task }) =>
      client.invoke('runs.addTask', { run_id, actor: `${agent_id} (MCP)`, task }),
  }),
];

/** A run for a model: its header, and each task's status and outcome without its match explanation. */
function runView(run: RunDetail) {
  const { tasks, added_tasks, ...header } = run;
  return {
    ...header,
    tasks: tasks.map((t) => ({
      task_id: t.task_id,
      status: t.status,
      agent_id: t.agent_id,
      attempt: t.attempt,
      reason: t.reason,
      error: t.error,
      progress: t.progress,
      progress_message: t.progress_message,
      output: clipped(t.output),
      started_at: t.started_at,
      finished_at: t.finished_at,
    })),
    added_tasks: added_tasks.map((t) => t.task_id),
  };
}
