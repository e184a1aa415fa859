import { afterEach, describe, expect, it } from 'vitest';
import { localServer } from '../../src-main/agents/testing/local-server.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { ScopeDraft } from '../../src-shared/contract/domains/scope.ts';
import { call } from '../kit/engine-kit.ts';

let app: BatonApp;
let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await app?.close();
  await stop?.();
});

async function planner(content: string) {
  const server = await localServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ model: 'tiny', choices: [{ message: { content }, finish_reason: 'stop' }] }));
  });
  stop = () => server.close();
  app = createApp({ dataDir: ':memory:', log: () => {} });
  await call(app, 'agents.import', {
    agents: [
      { id: 'planner', kind: 'llm', base_url: `${server.url}/v1`, model: 'tiny', max_retries: 0 },
      { id: 'researcher', skills: ['research'] },
    ],
  });
  return server;
}

describe('scope: goal → draft plan', () => {
  it('rules by default', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const draft = await call<ScopeDraft>(app, 'scope.draft', {
      goal: 'research best laptops and draft email to john@example.com',
    });
    expect(draft.planner).toBe('rules');
    expect(draft.plan.tasks.map((t) => [t.task_id, t.required_skills, t.depends_on])).toEqual([
      ['task-001', ['research'], []],
      ['task-002', ['communication'], ['task-001']],
    ]);
  });

  it("drafts an id no stored plan has, and a draft created new never becomes another plan's version", async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const goal = 'compare laptops and phones';
    const first = await call<ScopeDraft>(app, 'scope.draft', { goal });
    expect(first.plan.plan_id).toBe('compare-laptops-and-phones');
    await call(app, 'plans.import', { plan: first.plan, new_only: true });
    const second = await call<ScopeDraft>(app, 'scope.draft', { goal });
    expect(second.plan.plan_id).toBe('compare-laptops-and-phones-2');
    const r = await app.dispatch('plans.import', { plan: first.plan, new_only: true });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message:
          'plan_id: a plan with the id compare-laptops-and-phones exists already: give this one another id',
      },
    });
  });

  it('an llm planner answers in the plan schema; the draft is validated', async () => {
    const server = await planner(
      `Here is the plan:\n\`\`\`json\n${JSON.stringify({
        plan_id: 'x',
        tasks: [
          { task_id: 'find', description: 'Find three laptops', required_skills: ['research'] },
          {
            task_id: 'mail',
            description: 'Email John',
            required_skills: ['communication'],
            depends_on: ['find'],
          },
        ],
      })}\n\`\`\``,
    );
    const draft = await call<ScopeDraft>(app, 'scope.draft', {
      goal: 'laptops for John',
      planner_agent_id: 'planner',
    });
    expect(draft.planner).toBe('llm');
    expect(draft.plan.tasks.map((t) => t.task_id)).toEqual(['find', 'mail']);
    // Checked as the rules' drafts are: no agent communicates, so the skill is taken off and said
    // so, never left for a task nobody can take; the id is the readable, unique one.
    expect(draft.plan.tasks.map((t) => t.required_skills)).toEqual([['research'], []]);
    expect(draft.matches.map((m) => [m.task_id, m.asked, m.skill, m.how])).toEqual([
      ['find', 'research', 'research', 'exact'],
      ['mail', 'communication', null, 'none'],
    ]);
    expect(draft.notes).toContain(
      'mail: the planner asked for communication, which no registered agent has, nor anything close: taken off; pick a skill an agent has, or register an agent that has it.',
    );
    expect(draft.plan).toMatchObject({ plan_id: 'laptops-john', name: 'Laptops for John' });
    const prompt = JSON.parse(server.requests[0]!.body)
      .messages.map((m: { content: string }) => m.content)
      .join('\n');
    expect(prompt).toContain('- researcher: research');
    expect(prompt).toContain('"depends_on"'); // the plan JSON Schema is in the prompt
  });

  it('gives the tasks of an llm draft the inputs their agents declare, and names a required one it cannot give', async () => {
    await planner(
      JSON.stringify({
        plan_id: 'x',
        tasks: [
          { task_id: 'find', description: 'Find three laptops', required_skills: ['research'] },
          {
            task_id: 'mail',
            description: 'Email John',
            required_skills: ['communication'],
            depends_on: ['find'],
          },
        ],
      }),
    );
    await call(app, 'agents.import', {
      agents: [
        {
          id: 'finder',
          skills: ['research'],
          task_inputs: { memory_query: { required: true, from: 'subject' } },
        },
        { id: 'writer', skills: ['communication'], task_inputs: { to: { required: true, from: 'email' } } },
      ],
    });
    const draft = await call<ScopeDraft>(app, 'scope.draft', {
      goal: 'laptops for John',
      planner_agent_id: 'planner',
    });
    expect(draft.plan.tasks.map((t) => t.inputs)).toEqual([{ memory_query: 'three laptops' }, undefined]);
    expect(draft.missing_inputs).toMatchObject([{ task_id: 'mail', input: 'to', agents: ['writer'] }]);
    expect(draft.notes.at(-1)).toBe(draft.missing_inputs[0]!.message);
    const given = await call<ScopeDraft>(app, 'scope.draft', {
      goal: 'laptops for John',
      planner_agent_id: 'planner',
      context: { to: 'john@example.com' },
    });
    expect(given.missing_inputs).toEqual([]);
    expect(given.plan.tasks[1]!.inputs).toEqual({ to: 'john@example.com' });
  });

  it('asks with the plan JSON Schema as response_format; an answer that does not match is asked again once, then an error naming the mismatch', async () => {
    const server = await planner(JSON.stringify({ plan_id: 'x', tasks: [{ name: 'a' }] }));
    await expect(
      call(app, 'scope.draft', { goal: 'anything at all', planner_agent_id: 'planner' }),
    ).rejects.toThrow(
      "the planner's answer is not a plan: the answer does not match the required JSON Schema: data/tasks/0 must have required property 'task_id'",
    );
    expect(server.requests).toHaveLength(2);
    const first = JSON.parse(server.requests[0]!.body);
    expect(first.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { schema: { properties: { tasks: { type: 'array' } } } },
    });
    expect(JSON.parse(server.requests[1]!.body).messages.at(-1).content).toContain(
      'Your answer does not match the required JSON Schema',
    );
  });

  it('an invalid plan from the model is an error naming the problem, not a broken plan', async () => {
    await planner(
      JSON.stringify({ plan_id: 'x', tasks: [{ task_id: 'a', description: 'loop', depends_on: ['a'] }] }),
    );
    await expect(
      call(app, 'scope.draft', { goal: 'anything at all', planner_agent_id: 'planner' }),
    ).rejects.toThrow(`the planner's plan is invalid: tasks[0].depends_on[0]: task "a" depends on itself`);
    await expect(
      call(app, 'scope.draft', { goal: 'anything at all', planner_agent_id: 'researcher' }),
    ).rejects.toThrow('planner_agent_id: "researcher" is not an llm agent');
  });
});
