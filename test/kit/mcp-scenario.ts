import type { Client } from '@modelcontextprotocol/client';
import { expect } from 'vitest';
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
  'take_task',
  'report_progress',
  'complete_task',
];

/** The tools and their hints; none decides an approval, and asking for approvals.decide fails. */
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
  expect(tools.find((t) => t.name === 'complete_task')?.annotations).toMatchObject({ destructiveHint: true });
  expect(tools.filter((t) => /approv|decide/i.test(t.name))).toEqual([]);
  const decided = await client
    .callTool({ name: 'approvals.decide', arguments: { approval_id: 'a', decision: 'approve', actor: 'x' } })
    .then(
      (r) => textOf(r),
      (e: unknown) => String(e),
    );
  expect(decided).toMatch(/Tool approvals\.decide not found/);
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

/**
 * The work API's round trip on p-review (next → context → take → progress → complete), with tasks
 * added to the running run in between (and refused: an unknown dependency, a repeat, past the
 * cap of 2); the added tasks then run on ash and the run completes. Its run id.
 */
export async function pullsWorkAndAddsTasks(client: Client): Promise<string> {
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
  expect(await tool(client, 'take_task', { ...me, task_id: 'review' })).toMatchObject({
    status: 'in_progress',
  });
  expect(
    await tool(client, 'report_progress', { ...me, task_id: 'review', progress: 50, message: 'half' }),
  ).toMatchObject({
    status: 'in_progress',
    progress: 50,
  });
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
  const done = await tool<{ task: { status: string }; unblocked: string[] }>(client, 'complete_task', {
    ...me,
    task_id: 'review',
    status: 'completed',
    output: { verdict: 'ship it' },
  });
  expect(done.task.status).toBe('done');
  expect(done.unblocked.sort()).toEqual(['archive', 'follow-up']);
  const run = await runEnded(client, run_id);
  expect(run.status).toBe('completed');
  expect(run.tasks.map((t) => [t.task_id, t.status])).toEqual([
    ['review', 'done'],
    ['follow-up', 'done'],
    ['archive', 'done'],
  ]);
  return run_id;
}

/** Bad input is a tool error naming the field; the server goes on answering. */
export async function refusesBadInput(client: Client): Promise<void> {
  expect(await toolError(client, 'get_run', {})).toMatch(/run_id/);
  expect(
    await toolError(client, 'report_progress', {
      agent_id: 'hana',
      run_id: 'r',
      task_id: 't',
      progress: 140,
    }),
  ).toMatch(/progress/);
  expect(await toolError(client, 'start_run', { plan_id: 'no-such-plan' })).toBe(
    'not_found: plan "no-such-plan" not found',
  );
  expect(await tool<unknown[]>(client, 'list_plans')).toHaveLength(2);
}
