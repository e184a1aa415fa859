import { afterEach, describe, expect, it } from 'vitest';
import { localServer } from '../../src-main/agents/testing/local-server.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { MemorySearchHit } from '../../src-shared/schemas/memory.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, eventually, setup } from '../kit/engine-kit.ts';

let app: BatonApp;
let closeServer: (() => Promise<void>) | null = null;
afterEach(async () => {
  await app?.close();
  await closeServer?.();
  closeServer = null;
});

const detail = (runId: string) => call<RunDetail>(app, 'runs.get', { run_id: runId });

/** An OpenAI-compatible server whose answer depends on which task just ended. */
async function model(answer: (prompt: string) => string) {
  const server = await localServer((req, res) => {
    const body = JSON.parse(req.body) as { messages: { role: string; content: string }[] };
    const prompt = body.messages.map((m) => m.content).join('\n');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        model: 'tiny',
        choices: [{ message: { role: 'assistant', content: answer(prompt) }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 100, completion_tokens: 20 },
      }),
    );
  });
  closeServer = () => server.close();
  return server;
}

const brain = (url: string) => ({
  id: 'brain',
  kind: 'llm' as const,
  skills: [],
  base_url: `${url}/v1`,
  model: 'tiny',
  max_retries: 0,
});

describe('the decider: after each task, create a task, escalate, complete or wait', () => {
  it('rules: follows the plan, escalates to a person when a task cannot be done, records each decision', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      goal: 'ship the feature',
      decider: { kind: 'rules' },
      tasks: [
        { task_id: 'a', description: 'first', required_skills: ['x'] },
        { task_id: 'b', description: 'needs a missing skill', required_skills: ['y'], depends_on: ['a'] },
      ],
    });
    await eventually(
      async () => (await call<Approval[]>(app, 'approvals.list', { status: 'pending' })).length === 1,
    );
    const [approval] = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
    expect(approval).toMatchObject({ kind: 'escalation', task_id: 'escalation-1' });
    expect(approval!.reason).toContain('Task "b" ended unassigned');
    await call(app, 'approvals.decide', {
      approval_id: approval!.id,
      decision: 'approve',
      actor: 'ana',
      comment: 'ship without b',
    });
    await app.engine.whenSettled(run);
    const d = await detail(run);
    expect(d.tasks.find((t) => t.task_id === 'escalation-1')).toMatchObject({
      status: 'done',
      agent_id: 'ana',
    });
    expect(d.added_tasks.map((t) => t.task_id)).toEqual(['escalation-1']);
    // Approving the escalation does not undo b: the run ends failed, as any run with a task
    // that found no agent does.
    expect(d.status).toBe('failed');
    const decisions = await call<MemorySearchHit[]>(app, 'memory.search', { type: 'decision' });
    expect(
      decisions.map((h) => (h.entry.content as { decision: { action: string } }).decision.action).sort(),
    ).toEqual(['escalate_to_human', 'wait_for_more_tasks']);
  });

  it('rules: a run whose last task succeeds after another failed is not declared complete', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const run = await setup(
      app,
      [
        // build ends after the escalation for tests is answered: its end is the last the decider sees.
        {
          id: 'slow',
          kind: 'command',
          skills: ['x'],
          command: process.execPath,
          args: ['-e', 'setTimeout(() => {}, 2000)'],
        },
        {
          id: 'broken',
          kind: 'command',
          skills: ['t'],
          command: process.execPath,
          args: ['-e', 'process.exit(3)'],
        },
      ],
      {
        plan_id: 'p2',
        decider: { kind: 'rules' },
        tasks: [
          { task_id: 'tests', description: 'run the tests', required_skills: ['t'] },
          { task_id: 'build', description: 'build it', required_skills: ['x'] },
        ],
      },
    );
    await eventually(
      async () => (await call<Approval[]>(app, 'approvals.list', { status: 'pending' })).length === 1,
    );
    const [approval] = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
    await call(app, 'approvals.decide', { approval_id: approval!.id, decision: 'approve', actor: 'ana' });
    await app.engine.whenSettled(run);
    expect((await detail(run)).status).toBe('failed');
    const decisions = await call<MemorySearchHit[]>(app, 'memory.search', { type: 'decision' });
    const said = decisions.map(
      (h) => (h.entry.content as { decision: { reasoning: string } }).decision.reasoning,
    );
    expect(said.join('\n')).not.toContain('Every task of the plan is done');
    // The failure is a task result too, found by its error.
    const failed = await call<MemorySearchHit[]>(app, 'memory.search', {
      type: 'task_result',
      query: 'exited',
    });
    expect(failed.map((h) => [h.entry.task_id, h.entry.status])).toEqual([['tests', 'failed']]);
  });

  it('llm: a plan whose decider agent is not a registered llm agent does not start', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'ghostly',
        decider: { kind: 'llm', agent_id: 'ghost' },
        tasks: [{ task_id: 'a', description: 'x', required_skills: ['x'] }],
      },
    });
    const r = await app.dispatch('runs.start', { plan_id: 'ghostly' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(r)).toContain('decider.agent_id: \\"ghost\\" is not a registered llm agent');
    expect(await call<unknown[]>(app, 'runs.list', { plan_id: 'ghostly' })).toEqual([]);
  });

  it('llm: a created task appears in the running DAG with its context, and completion closes the run', async () => {
    const server = await model((prompt) =>
      prompt.includes('Completed task: scope')
        ? JSON.stringify({
            action: 'create_task',
            reasoning: 'Plan complete. Start with the backend API.',
            next_agent_type: 'backend_developer',
            task_description: 'Implement the API endpoints from plan.md',
            context_to_pass: {
              files_to_reference: ['plan.md', 'scope.md'],
              key_information: 'Authentication is required',
            },
            urgency: 'high',
          })
        : '```json\n{"action": "project_complete", "reasoning": "The API exists; the goal is met."}\n```',
    );
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const run = await setup(
      app,
      [
        brain(server.url),
        { id: 'workshopper', skills: ['scoping'] },
        { id: 'backend_developer', skills: ['api'] },
      ],
      {
        plan_id: 'hello',
        goal: 'Build a hello world web app',
        decider: { kind: 'llm', agent_id: 'brain' },
        tasks: [{ task_id: 'scope', description: 'Plan project scope', required_skills: ['scoping'] }],
      },
    );
    const final = await app.engine.whenSettled(run);
    expect(final.status).toBe('completed');
    const d = await detail(run);
    expect(d.added_tasks).toHaveLength(1);
    expect(d.added_tasks[0]).toMatchObject({
      task_id: 'decided-1',
      agent: 'backend_developer',
      priority: 'HIGH',
      depends_on: ['scope'],
      inputs: {
        orchestrator_decision: true,
        previous_task_id: 'scope',
        context: { files: ['plan.md', 'scope.md'] },
      },
    });
    expect(d.added_tasks[0]!.description).toBe(
      'Implement the API endpoints from plan.md\n\nReference files: plan.md, scope.md\n\nContext: Authentication is required',
    );
    expect(d.tasks.find((t) => t.task_id === 'decided-1')).toMatchObject({
      status: 'done',
      agent_id: 'backend_developer',
    });
    const prompt = JSON.parse(server.requests[0]!.body)
      .messages.map((m: { content: string }) => m.content)
      .join('\n');
    expect(prompt).toContain('Project goal: Build a hello world web app');
    expect(prompt).toContain('- backend_developer (echo, ONLINE): api');
  });

  it('llm: asks with the decision JSON Schema as response_format; an answer that does not match is asked again once, then the decision is to escalate naming the mismatch', async () => {
    const server = await model((prompt) =>
      prompt.includes('does not match')
        ? JSON.stringify({ action: 'carry_on', reasoning: 'still unsure' })
        : 'I think we should probably continue?',
    );
    app = createApp({ dataDir: ':memory:', log: () => {} });
    await setup(app, [brain(server.url), { id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      decider: { kind: 'llm', agent_id: 'brain' },
      tasks: [{ task_id: 'a', description: 'first', required_skills: ['x'] }],
    });
    await eventually(
      async () => (await call<Approval[]>(app, 'approvals.list', { status: 'pending' })).length === 1,
    );
    const [approval] = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
    expect(approval!.kind).toBe('escalation');
    expect(approval!.reason).toContain(
      'gave no valid decision (the answer does not match the required JSON Schema: data/action must be equal to one of the allowed values)',
    );
    expect(server.requests).toHaveLength(2);
    const first = JSON.parse(server.requests[0]!.body);
    expect(first.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { schema: { properties: { action: { enum: expect.arrayContaining(['create_task']) } } } },
    });
    // The decider is asked without the agent's tools.
    expect(first.tools).toBeUndefined();
    expect(JSON.parse(server.requests[1]!.body).messages.at(-1).content).toMatch(
      /^Your answer does not match the required JSON Schema: the answer is not JSON/,
    );
  });

  it('llm: a model server that refuses response_format is asked without it, and its answer is still checked', async () => {
    const server = await localServer((req, res) => {
      const body = JSON.parse(req.body) as { response_format?: unknown };
      if (body.response_format) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'response_format is not supported' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          model: 'tiny',
          choices: [
            {
              message: { role: 'assistant', content: '{"action":"project_complete","reasoning":"done"}' },
              finish_reason: 'stop',
            },
          ],
        }),
      );
    });
    closeServer = () => server.close();
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const run = await setup(app, [brain(server.url), { id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      decider: { kind: 'llm', agent_id: 'brain' },
      tasks: [{ task_id: 'a', description: 'first', required_skills: ['x'] }],
    });
    expect((await app.engine.whenSettled(run)).status).toBe('completed');
    expect(server.requests.map((r) => 'response_format' in JSON.parse(r.body))).toEqual([true, false]);
  });

  it('guardrails: the same task twice is a loop, and the cap on created tasks holds', async () => {
    const server = await model(() =>
      JSON.stringify({
        action: 'create_task',
        reasoning: 'more work',
        next_agent_type: 'x',
        task_description: 'Do it again',
      }),
    );
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const run = await setup(app, [brain(server.url), { id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      decider: { kind: 'llm', agent_id: 'brain', max_created_tasks: 5 },
      tasks: [{ task_id: 'a', description: 'first', required_skills: ['x'] }],
    });
    await eventually(
      async () => (await call<Approval[]>(app, 'approvals.list', { status: 'pending' })).length === 1,
    );
    const d = await detail(run);
    expect(d.added_tasks.map((t) => t.task_id)).toEqual(['decided-1', 'escalation-2']);
    const [approval] = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
    expect(approval!.reason).toContain(
      'overruled: the same task was already added once ("Do it again"): a loop',
    );
  });
});
