import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import { MAX_JSON_DEPTH } from '../../src-shared/schemas/common.ts';

const examples = join(import.meta.dirname, '..', '..', 'resources', 'examples');
let dir: string;
let app: BatonApp;
let host: BrowserHost;

async function api(method: string, path: string, body?: unknown, token: string | null = host.token) {
  const res = await fetch(`${host.url.replace(/\/$/, '')}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads arbitrary JSON bodies
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-rest-'));
  app = createApp({ dataDir: dir, log: () => {} });
  host = await startBrowserHost({
    dispatch: app.dispatch,
    bus: app.bus,
    rendererDir: join(dir, 'ui'),
    routes: createRestHandler(app.dispatch),
  });
  const agents = JSON.parse(readFileSync(join(examples, 'agents.json'), 'utf8')).agents;
  await app.dispatch('agents.import', {
    agents: [
      ...agents,
      { id: 'researcher', skills: ['research'] },
      { id: 'writer', skills: ['communication'] },
      { id: 'summarizer', skills: ['summarization'] },
      { id: 'daemon-1', kind: 'human', skills: ['deploy'] },
    ],
  });
});
afterAll(async () => {
  await host.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the REST API', () => {
  it('build: POST /api/modules/orchestrator/build answers with delegations and the build_log id', async () => {
    const plan = JSON.parse(readFileSync(join(examples, 'onboarding-plan.json'), 'utf8'));
    const res = await api('POST', '/api/modules/orchestrator/build', plan);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'executing',
      delegated_tasks: [
        { task_id: 'task-001', assigned_agent: 'ash', delegation_task_id: 'task-001-delegated' },
      ],
    });
    // The build response's fields only: the contract's runs.start also answers the run and its build log.
    expect(Object.keys(res.body).sort()).toEqual(['delegated_tasks', 'memory_id', 'run_id', 'status']);
    const log = await until(
      () => api('GET', `/api/modules/memory/read?memory_id=${res.body.memory_id}`),
      (r) => r.body.status !== 'executing',
    );
    expect(log.status).toBe(200);
    expect(log.body).toMatchObject({
      agent_id: 'orchestrator',
      type: 'build_log',
      content: {
        unassigned_tasks: [
          {
            task_id: 'task-002',
            reason: 'No qualified agent found: Agent lacks required skills: context_analysis.',
          },
        ],
      },
      tags: ['build_log', 'plan:plan-87234'],
    });
  });

  it('answers bad input with 400 and the field named', async () => {
    const bad = await api('POST', '/api/modules/orchestrator/build', {
      plan_id: 'x',
      tasks: [{ task_id: 'a', description: 'd', required_skills: 'summarization' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    expect(bad.body.error.message).toContain('tasks[0].required_skills');
    expect((await api('POST', '/api/modules/orchestrator/build', '{not json')).body.error.message).toBe(
      'request body is not valid JSON',
    );
    expect((await api('POST', '/api/v1/tasks', { user_message: 42 })).body.error.message).toMatch(
      /^user_message: /,
    );
    // A context too deep is named as the request's own field, not as the tasks' inputs it becomes.
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    const context = await api('POST', '/api/v1/tasks', {
      user_message: 'sum up the notes',
      context: { deep },
    });
    expect([context.status, context.body.error.message]).toEqual([
      400,
      `context: must not nest more than ${MAX_JSON_DEPTH} levels deep`,
    ]);
    expect((await api('GET', '/api/modules/memory/read')).body.error.message).toContain('memory_id');
    expect((await api('GET', '/api/modules/memory/read?memory_id=nope')).status).toBe(404);
    expect((await api('GET', '/api/modules/memory/read?memory_id=x', undefined, null)).status).toBe(401);
  });

  it('build writes nothing when the run cannot start: no plan kept, no version added', async () => {
    const plan = (description: string, extra: Record<string, unknown> = {}) => ({
      plan_id: 'half-written',
      tasks: [{ task_id: 'a', description, required_skills: ['summarization'] }],
      ...extra,
    });
    // A plan that needs a run input the route cannot give: refused naming it, before any write.
    const needs = { run_inputs: { repo: { type: 'string', required: true } } };
    const refused = await api('POST', '/api/modules/orchestrator/build', plan('sum up', needs));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^run_inputs\.repo: is required/);
    expect((await api('GET', '/api/rpc/plans.get?plan_id=half-written')).status).not.toBe(200);
    expect((await app.dispatch('plans.get', { plan_id: 'half-written' })).ok).toBe(false);
    // A run that cannot start for another reason (an llm decider with no llm agent): the plan the
    // call made is taken away again.
    const decider = { decider: { kind: 'llm', agent_id: 'nobody' } };
    const cannot = await api('POST', '/api/modules/orchestrator/build', plan('sum up', decider));
    expect(cannot.status).toBe(400);
    expect(cannot.body.error.message).toContain('decider.agent_id');
    expect((await app.dispatch('plans.get', { plan_id: 'half-written' })).ok).toBe(false);
  });

  it('refuses a plan whose inputs nest 1,000 levels deep with 400 and the field, on validate and import alike', async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 1_000; i++) deep = [deep];
    const plan = {
      plan_id: 'deep',
      tasks: [{ task_id: 'a', description: 'd', required_skills: ['summarization'], inputs: { deep } }],
    };
    const field = `tasks[0].inputs: must not nest more than ${MAX_JSON_DEPTH} levels deep`;
    const validated = await api('POST', '/api/rpc/plans.validate', { plan });
    expect(validated.status).toBe(200);
    expect(validated.body.value.issues).toEqual([
      expect.objectContaining({ path: 'tasks[0].inputs', message: expect.stringContaining('levels deep') }),
    ]);
    for (const [path, body] of [
      ['/api/rpc/plans.import', { plan }],
      ['/api/modules/orchestrator/build', plan],
    ] as const) {
      const r = await api('POST', path, body);
      expect(r.status, path).toBe(400);
      expect(r.body.error.code).toBe('invalid_input');
      expect(JSON.stringify(r.body.error)).toContain(field);
    }
    expect((await app.dispatch('plans.get', { plan_id: 'deep' })).ok).toBe(false);
  });

  it('a task from a sentence: a complex request becomes a parent with subtasks; the email gets the research result', async () => {
    const res = await api('POST', '/api/v1/tasks', {
      title: 'Research and Email',
      command: 'orchestrate',
      user_message: 'research best laptops and draft email to john@example.com',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: 'Research and Email', kind: 'orchestrated' });
    expect(res.body.subtasks.map((t: { task_id: string }) => t.task_id)).toEqual(['task-001', 'task-002']);
    const done = await until(
      () => api('GET', `/api/v1/tasks/${res.body.id}`),
      (r) => r.body.status !== 'IN_PROGRESS',
    );
    expect(done.body.status).toBe('COMPLETED');
    expect(done.body.subtasks).toMatchObject([
      { task_id: 'task-001', status: 'done', assigned_agent: 'researcher' },
      {
        task_id: 'task-002',
        status: 'done',
        assigned_agent: 'writer',
        result: { received_from: ['task-001'] },
      },
    ]);
  });

  it('a task from a sentence: a simple request runs one task', async () => {
    const res = await api('POST', '/api/v1/tasks', {
      title: 'Research Task',
      user_message: 'summarize the onboarding logs',
    });
    expect(res.body.kind).toBe('simple');
    const done = await until(
      () => api('GET', `/api/v1/tasks/${res.body.id}`),
      (r) => r.body.status !== 'IN_PROGRESS',
    );
    expect(done.body).toMatchObject({ status: 'COMPLETED', result: { task_id: 'task-001' } });
  });

  it('the pull API: a daemon pulls, reports progress and completes over HTTP', async () => {
    await app.dispatch('plans.import', {
      plan: {
        plan_id: 'deploys',
        tasks: [
          { task_id: 'deploy', description: 'deploy v2', required_skills: ['deploy'], priority: 'HIGH' },
        ],
      },
    });
    const build = await api('POST', '/api/rpc/runs.start', { plan_id: 'deploys' });
    const runId = build.body.value.run_id;
    const next = await api('GET', `/api/v1/agents/daemon-1/next-task?run_id=${runId}`);
    expect(next.body.task).toMatchObject({ task_id: 'deploy', priority: 'HIGH', score: 100 });
    const base = `/api/v1/agents/daemon-1/tasks/${runId}/deploy`;
    expect((await api('POST', `${base}/execute`)).body.status).toBe('in_progress');
    const tooMuch = await api('POST', `${base}/progress`, { progress: 150 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.message).toContain('progress: Progress must be between 0 and 100');
    expect(
      (await api('POST', `${base}/progress`, { progress: 60, message: 'rolling out' })).body.progress,
    ).toBe(60);
    const ctx = await api('GET', `${base}/context`);
    expect(ctx.body.task.description).toBe('deploy v2');
    const wrong = await api('POST', `/api/v1/agents/ash/tasks/${runId}/deploy/complete`, {
      status: 'completed',
    });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.message).toBe('Task deploy is not assigned to agent ash');
    const done = await api('POST', `${base}/complete`, { status: 'completed', output: { version: 2 } });
    expect(done.body.task.status).toBe('done');
    const stats = await api('GET', '/api/v1/agents/daemon-1/stats');
    expect(stats.body).toMatchObject({ completed: 1, success_rate: 100 });
    expect((await api('GET', '/api/v1/agents/nobody/next-task')).body.error.message).toBe(
      'Agent not found: nobody',
    );
  });

  it("people's tasks over HTTP: everyone's waiting tasks, one reassigned to another person, then given back", async () => {
    await app.dispatch('agents.import', {
      agents: [
        { id: 'pat', kind: 'human', skills: ['sign'] },
        { id: 'sam', kind: 'human', skills: ['sign'] },
      ],
    });
    await app.dispatch('plans.import', {
      plan: {
        plan_id: 'sign-offs',
        tasks: [{ task_id: 'sign', description: 'sign v2', required_skills: ['sign'] }],
      },
    });
    const runId = (await api('POST', '/api/rpc/runs.start', { plan_id: 'sign-offs' })).body.value.run_id;
    const waiting = (await api('GET', '/api/v1/people/tasks')).body;
    expect(waiting.tasks.find((t: { run_id: string }) => t.run_id === runId)).toMatchObject({
      task_id: 'sign',
      status: 'ready',
      people: ['pat', 'sam'],
    });
    const assigned = await api('POST', `/api/v1/people/sam/tasks/${runId}/sign/assign`, { actor: 'Lee' });
    expect(assigned.body).toMatchObject({ status: 'in_progress', from: null, task: { agent_id: 'sam' } });
    const lacking = await api('POST', `/api/v1/people/daemon-1/tasks/${runId}/sign/assign`, {});
    expect(lacking.status).toBe(409);
    expect(lacking.body.error.message).toBe(
      'daemon-1 lacks sign, which sign needs: hand it to someone who has it, or add the skill to daemon-1 on the Agents screen',
    );
    const back = await api('POST', `/api/v1/agents/sam/tasks/${runId}/sign/give-back`, {
      actor: 'Sam',
      note: 'on leave',
    });
    expect(back.body).toMatchObject({ status: 'ready', from: 'sam' });
    const attempts = await api('POST', '/api/rpc/runs.taskAttempts', { run_id: runId, task_id: 'sign' });
    expect(attempts.body.value).toMatchObject([
      { agent_id: 'sam', outcome: 'given_back', error: 'given back by Sam: on leave' },
    ]);
    const tooLong = await api('POST', `/api/v1/agents/pat/tasks/${runId}/sign/give-back`, {
      note: 'x'.repeat(2_001),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain('note: the note must be at most 2000 characters');
  });

  it("an agent's OS sandbox over HTTP: set with the agent, read back, a bad host named by its path, and whether it can run here", async () => {
    const imported = await api('POST', '/api/rpc/agents.import', {
      agents: [
        {
          id: 'boxed-fetcher',
          kind: 'command',
          command: 'true',
          skills: ['fetch'],
          sandbox: { network: { allow: ['registry.npmjs.org', '127.0.0.1:4873'] } },
        },
      ],
    });
    expect(imported.status).toBe(200);
    const listed = (await api('POST', '/api/rpc/agents.list', {})).body.value as {
      id: string;
      sandbox?: unknown;
    }[];
    expect(listed.find((a) => a.id === 'boxed-fetcher')?.sandbox).toMatchObject({
      network: { allow: ['registry.npmjs.org', '127.0.0.1:4873'] },
    });
    const bad = await api('POST', '/api/rpc/agents.import', {
      agents: [
        {
          id: 'boxed-bad',
          kind: 'command',
          command: 'true',
          skills: ['x'],
          sandbox: { network: { allow: ['http://x'] } },
        },
      ],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('sandbox.network.allow[0]');
    expect(
      (await api('POST', '/api/rpc/agents.list', {})).body.value.some(
        (a: { id: string }) => a.id === 'boxed-bad',
      ),
    ).toBe(false);
    const status = (await api('POST', '/api/rpc/agents.sandbox', {})).body.value;
    expect(typeof status.available).toBe('boolean');
    expect(status.available ? status.problem : typeof status.problem).toBe(
      status.available ? null : 'string',
    );
  });

  it('serves an OpenAPI document generated from the schemas', async () => {
    const doc = await api('GET', '/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/modules/orchestrator/build',
        '/api/modules/memory/read',
        '/api/v1/tasks',
        '/api/v1/agents/{agent_id}/next-task',
        '/api/v1/agents/{agent_id}/tasks/{run_id}/{task_id}/complete',
      ]),
    );
    const progressBody =
      doc.body.paths['/api/v1/agents/{agent_id}/tasks/{run_id}/{task_id}/progress'].post.requestBody.content[
        'application/json'
      ].schema;
    expect(progressBody.properties.progress).toMatchObject({ type: 'number', minimum: 0, maximum: 100 });
    expect(progressBody.properties.agent_id).toBeUndefined();
  });
});
