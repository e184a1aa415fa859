import type { Client } from '@modelcontextprotocol/client';
import { expect } from 'vitest';
import type { RunView } from './mcp-kit.ts';
import { runEnded, textOf, tool, toolError } from './mcp-kit.ts';

/**
 * What every transport of Baton's MCP server must do, as a client sees it (`baton mcp` on its
 * own, `baton mcp` through a host, `/mcp` on the host): each step asserts what the tools answer.
 */

export const TOOL_NAMES = [
  'list_plans',
  'get_plan',
  'list_runs',
  'get_run',
  'start_run',
  'add_task',
  'read_memory',
  'search_memory',
  'write_memory',
  'next_task',
  'task_context',
];

/**
 * The tools and their hints; none decides an approval or takes a task, and asking for
 * approvals.decide or take_task by name fails.
 */
export async function listsTheTools(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
  expect(tools.find((t) => t.name === 'get_run')?.annotations).toMatchObject({
    readOnlyHint: true,
    destructiveHint: false,
    openWorldHint: false,
  });
  expect(tools.find((t) => t.name === 'start_run')?.annotations).toMatchObject({
    readOnlyHint: false,
    idempotentHint: false,
    openWorldHint: true,
  });
  // None ends anything for good: none takes or completes a task.
  expect(tools.filter((t) => t.annotations?.destructiveHint !== false)).toEqual([]);
  expect(tools.filter((t) => /approv|decide/i.test(t.name))).toEqual([]);
  const decided = await client
    .callTool({ name: 'approvals.decide', arguments: { approval_id: 'a', decision: 'approve', actor: 'x' } })
    .then(
      (r) => textOf(r),
      (e: unknown) => String(e),
    );
  expect(decided).toMatch(/Tool approvals\.decide not found/);
  for (const name of ['take_task', 'report_progress', 'complete_task']) {
    const answer = await client
      .callTool({
        name,
        arguments: { agent_id: 'hana', run_id: 'r', task_id: 'review', status: 'completed' },
      })
      .then(
        (r) => textOf(r),
        (e: unknown) => String(e),
      );
    expect(answer, name).toMatch(new RegExp(`Tool ${name} not found`));
  }
}

/** list_plans and get_plan. */
export async function readsAPlan(client: Client): Promise<void> {
  const plans = await tool<{ plan_id: string }[]>(client, 'list_plans');
  expect(plans.map((p) => p.plan_id).sort()).toEqual(['p-echo', 'p-review']);
  const plan = await tool<{ version: number; plan: { goal: string; tasks: { task_id: string }[] } }>(
    client,
    'get_plan',
    { plan_id: 'p-echo' },
  );
  expect(plan.plan.goal).toBe('Summarise the lighthouse onboarding notes');
  expect(plan.plan.tasks.map((t) => t.task_id)).toEqual(['summarise', 'recap']);
}

/** start_run of p-echo, followed with get_run to its end: both tasks done by ash. Its run id. */
export async function runsAPlanToTheEnd(client: Client): Promise<string> {
  const started = await tool<{ run_id: string; status: string; delegated_tasks: { task_id: string }[] }>(
    client,
    'start_run',
    { plan_id: 'p-echo' },
  );
  expect(started.status).toBe('executing');
  expect(started.delegated_tasks.map((d) => d.task_id)).toContain('summarise');
  const run = await runEnded(client, started.run_id);
  expect(run.status).toBe('completed');
  expect(run.tasks.map((t) => [t.task_id, t.status, t.agent_id])).toEqual([
    ['summarise', 'done', 'ash'],
    ['recap', 'done', 'ash'],
  ]);
  const runs = await tool<{ runs: { id: string }[] }>(client, 'list_runs', { plan_id: 'p-echo' });
  expect(runs.runs.map((r) => r.id)).toContain(started.run_id);
  return started.run_id;
}

/** search_memory finds the run's build log; write_memory adds a note search_memory then finds. */
export async function searchesAndWritesMemory(client: Client, runId: string, label: string): Promise<void> {
  const logs = await tool<{ id: string; type: string; tags: string[] }[]>(client, 'search_memory', {
    type: 'build_log',
    plan_id: 'p-echo',
  });
  expect(logs.map((h) => h.type)).toContain('build_log');
  const log = await tool<{ content: { plan_id: string } }>(client, 'read_memory', { memory_id: logs[0]!.id });
  expect(log.content.plan_id).toBe('p-echo');
  const note = await tool<{ id: string; tags: string[] }>(client, 'write_memory', {
    agent_id: 'scout',
    content: `The ${label} lighthouse keeper prefers written summaries.`,
    tags: ['preferences'],
    run_id: runId,
  });
  expect(note.tags).toEqual(['note', 'by:scout', 'plan:p-echo', `run:${runId}`, 'preferences']);
  const found = await tool<{ id: string; snippet: string }[]>(client, 'search_memory', {
    query: `${label} keeper`,
  });
  expect(found.map((h) => h.id)).toEqual([note.id]);
  expect(found[0]!.snippet).toContain('[[keeper]]');
  expect(
    await toolError(client, 'write_memory', { agent_id: 'scout', type: 'build_log', content: 'x' }),
  ).toMatch(/type.*"build_log" is not one/);
}

/** The person (hana) taking and finishing a task in Baton, as My tasks does: not over MCP. */
export type PersonAtBaton = (runId: string, taskId: string, output: unknown) => Promise<void>;

/**
 * The work API's read side on p-review (next_task → task_context for hana, a person), with tasks
 * added to the running run (and refused: an unknown dependency, a repeat, past the cap of 2).
 * No tool takes hana's task: `person` does it in Baton, where one is reachable; then the added
 * tasks run on ash and the run completes. Without one the run is left waiting for hana. Its run id.
 */
export async function findsWorkAndAddsTasks(client: Client, person?: PersonAtBaton): Promise<string> {
  const { run_id } = await tool<{ run_id: string }>(client, 'start_run', { plan_id: 'p-review' });
  const me = { agent_id: 'hana', run_id };
  const next = await tool<{ task: { task_id: string; run_id: string } | null }>(client, 'next_task', me);
  expect(next.task).toMatchObject({ task_id: 'review', run_id });
  const context = await tool<{ task: { description: string }; agent: { id: string } }>(
    client,
    'task_context',
    {
      ...me,
      task_id: 'review',
    },
  );
  expect(context).toMatchObject({ task: { description: 'Review the draft' }, agent: { id: 'hana' } });
  const add = (task_id: string, description: string, depends_on = ['review']) =>
    client.callTool({
      name: 'add_task',
      arguments: { run_id, agent_id: 'hana', task: { task_id, description, depends_on } },
    });
  const added = await add('follow-up', 'Write the follow-up note');
  expect(JSON.parse(textOf(added))).toMatchObject({ task_id: 'follow-up', status: 'blocked' });
  const unknown = await add('orphan', 'Something else', ['nope']);
  expect(unknown.isError).toBe(true);
  expect(textOf(unknown)).toMatch(/invalid_input: .*task\.depends_on\[0\]: "nope" is no task of this run/);
  const repeat = await add('follow-up-2', '  write the FOLLOW-UP note ');
  expect(repeat.isError).toBe(true);
  expect(textOf(repeat)).toMatch(/conflict: .*the same task was already added once .*a loop/);
  expect((await add('archive', 'Archive the draft')).isError).toBeFalsy();
  const over = await add('third', 'One task too many');
  expect(over.isError).toBe(true);
  expect(textOf(over)).toMatch(
    /conflict: .*2 tasks were already added to this run, its limit \(max_created_tasks\)/,
  );
  if (!person) {
    const waiting = await tool<RunView>(client, 'get_run', { run_id });
    expect(waiting.status).toBe('executing');
    expect(waiting.tasks.map((t) => [t.task_id, t.status])).toEqual([
      ['review', 'ready'],
      ['follow-up', 'blocked'],
      ['archive', 'blocked'],
    ]);
    return run_id;
  }
  await person(run_id, 'review', { verdict: 'ship it' });
  const run = await runEnded(client, run_id);
  expect(run.status).toBe('completed');
  expect(run.tasks.map((t) => [t.task_id, t.status, t.agent_id])).toEqual([
    ['review', 'done', 'hana'],
    ['follow-up', 'done', 'ash'],
    ['archive', 'done', 'ash'],
  ]);
  return run_id;
}

/** Bad input is a tool error naming the field; the server goes on answering. */
export async function refusesBadInput(client: Client): Promise<void> {
  expect(await toolError(client, 'get_run', {})).toMatch(/run_id/);
  expect(
    await toolError(client, 'next_task', {
      agent_id: 'hana',
      wait_s: 40,
    }),
  ).toMatch(/wait_s must be at most 25 seconds/);
  expect(await toolError(client, 'start_run', { plan_id: 'no-such-plan' })).toBe(
    'not_found: plan "no-such-plan" not found',
  );
  expect(await tool<unknown[]>(client, 'list_plans')).toHaveLength(2);
}
