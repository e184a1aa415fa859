import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeenRequest } from '../../src-main/agents/testing/local-server.ts';
import { json, localServers } from '../../src-main/agents/testing/local-server.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { AgentInput } from '../../src-shared/schemas/agent.ts';
import type { ProgressEntry, RunDetail, TaskLogLine, TaskRun } from '../../src-shared/schemas/run.ts';
import { call, eventually, setup } from '../kit/engine-kit.ts';

// An http agent as a real local server, Baton's app and its real browser host, through the
// engine: callbacks, their authentication, cancel requests, and polling as before.

let dir: string;
let app: BatonApp;
let host: BrowserHost | null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-http-agent-'));
  app = createApp({ dataDir: dir, log: () => {} });
  host = null;
});
afterEach(async () => {
  await host?.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});
// Made after the hook above so that, after hooks running last-registered first, the agents'
// servers close before Baton's host and app, as before.
const agentServer = localServers();

async function serveBaton(): Promise<BrowserHost> {
  host = await startBrowserHost({
    dispatch: app.dispatch,
    bus: app.bus,
    rendererDir: join(dir, 'ui'),
    routes: createRestHandler(app.dispatch),
    agentCallbacks: app.agentCallbacks,
  });
  return host;
}

const plan = (task: Record<string, unknown> = {}) => ({
  plan_id: 'p',
  tasks: [{ task_id: 'summarize', description: 'summarize the report', required_skills: ['x'], ...task }],
});
const remote = (url: string, extra: Partial<AgentInput> = {}): AgentInput =>
  ({ id: 'remote', kind: 'http', skills: ['x'], url, poll_interval_ms: 60_000, ...extra }) as AgentInput;

/** What the agent was told in the task POST. */
function offered(req: SeenRequest | undefined) {
  const body = JSON.parse(req?.body ?? '{}') as { callback_url?: string };
  return { url: body.callback_url, token: req?.headers['x-baton-callback-token'] as string | undefined };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads arbitrary JSON bodies
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
const bearer = (token: string | undefined) => ({ authorization: `Bearer ${token}` });

const taskOf = async (run: string) => (await call<RunDetail>(app, 'runs.get', { run_id: run })).tasks[0]!;
const logsOf = (run: string) =>
  call<TaskLogLine[]>(app, 'runs.taskLogs', { run_id: run, task_id: 'summarize' });
const progressOf = (run: string) =>
  call<ProgressEntry[]>(app, 'runs.taskProgress', { run_id: run, task_id: 'summarize' });

describe('http agents through the engine: callbacks', () => {
  it('an agent that accepts, then posts progress, a log line and its result, completes the task', async () => {
    await serveBaton();
    const agent = await agentServer((req, res) => {
      json(res, 202, { status: 'accepted', message: 'queued' });
      // Like a real agent: work in the background, then call back.
      const { url, token } = offered(req);
      setTimeout(async () => {
        await post(
          url!,
          { status: 'running', progress: 50, message: 'reading', log: ['read 3 pages'] },
          bearer(token),
        );
        await post(url!, { status: 'completed', output: { summary: 'short' } }, bearer(token));
      }, 20);
    });
    const run = await setup(app, [remote(`${agent.url}/tasks`)], plan());
    await app.engine.whenSettled(run);
    expect(await taskOf(run)).toMatchObject({ status: 'done', output: { summary: 'short' } });
    expect((await logsOf(run)).map((l) => [l.stream, l.text])).toContainEqual(['stdout', 'read 3 pages']);
    expect((await progressOf(run)).map((p) => [p.progress, p.message])).toContainEqual([50, 'reading']);
    expect(agent.requests).toHaveLength(1); // no poll_url: never polled

    // The result was delivered: the token is spent, and the task stays as it is.
    const { url, token } = offered(agent.requests[0]);
    expect(url).toMatch(new RegExp(`^${host!.url}api/agent-callbacks/[\\w-]+$`));
    const again = await post(url!, { status: 'completed', output: 'twice' }, bearer(token));
    expect(again.status).toBe(404);
    expect(await taskOf(run)).toMatchObject({ status: 'done', output: { summary: 'short' } });
  });

  it('refuses wrong tokens, other credentials, browsers and bad bodies, and writes nothing', async () => {
    const baton = await serveBaton();
    const agent = await agentServer((_, res) => json(res, 202, null));
    const run = await setup(app, [remote(`${agent.url}/tasks`)], plan());
    await eventually(async () => agent.requests.length === 1, 5_000, 'the task POST');
    const { url, token } = offered(agent.requests[0]);
    const result = { status: 'completed', output: 'forged' };

    expect((await post(url!, result)).status).toBe(401);
    expect((await post(url!, result, bearer('x'.repeat(43)))).status).toBe(401);
    expect((await post(url!, result, bearer(baton.token))).status).toBe(401); // the UI token opens nothing here
    expect((await post(url!, result, { 'x-baton-callback-token': token! })).status).toBe(401);
    expect((await post(`${url!.slice(0, -4)}AAAA`, result, bearer(token))).status).toBe(404);
    expect((await post(`${url}/complete`, result, bearer(token))).status).toBe(404);
    expect(
      (await post(url!, result, { ...bearer(token), origin: baton.url.replace(/\/$/, '') })).status,
    ).toBe(403);
    expect((await fetch(url!, { headers: bearer(token) })).status).toBe(405);
    // The callback token opens no other route.
    expect((await post(`${baton.url}api/rpc/runs.list`, {}, bearer(token))).status).toBe(401);

    const badProgress = await post(url!, { status: 'running', progress: 150 }, bearer(token));
    expect(badProgress.status).toBe(400);
    expect(badProgress.body.error).toMatchObject({ code: 'invalid_input' });
    expect(badProgress.body.error.message).toMatch(/^progress: /);
    const noStatus = await post(url!, { output: 'done?' }, bearer(token));
    expect([noStatus.status, noStatus.body.error.message]).toEqual([400, expect.stringMatching(/^status: /)]);
    const badLog = await post(url!, { status: 'running', log: 'not a list' }, bearer(token));
    expect([badLog.status, badLog.body.error.message]).toEqual([400, expect.stringMatching(/^log: /)]);
    expect((await post(url!, '{"status":', bearer(token))).status).toBe(400);

    await new Promise((r) => setTimeout(r, 50)); // a tick or two, in case anything slipped through
    expect(await taskOf(run)).toMatchObject({ status: 'in_progress', output: null, progress: null });
    expect(await logsOf(run)).toEqual([]);
    expect(await progressOf(run)).toEqual([]);

    const ok = await post(
      url!,
      { status: 'failed', error: { message: 'the report is empty' } },
      bearer(token),
    );
    expect(ok).toEqual({ status: 200, body: { ok: true } });
    await app.engine.whenSettled(run);
    expect(await taskOf(run)).toMatchObject({ status: 'failed', error: 'the report is empty' });
  });

  it('polls as before when no host serves callbacks (CLI), or when the agent has callback off', async () => {
    const agent = await agentServer((req, res) => {
      if (req.method === 'POST') return json(res, 202, { poll_url: `/jobs/${agent.requests.length}` });
      json(res, 200, { status: 'completed', output: `polled ${req.url}` });
    });
    const first = await setup(app, [remote(`${agent.url}/tasks`, { poll_interval_ms: 20 })], plan());
    await app.engine.whenSettled(first);
    expect(await taskOf(first)).toMatchObject({ status: 'done', output: 'polled /jobs/1' });

    await serveBaton();
    await call(app, 'agents.import', {
      agents: [remote(`${agent.url}/tasks`, { poll_interval_ms: 20, callback: false })],
    });
    const second = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' })).run_id;
    await app.engine.whenSettled(second);
    expect(await taskOf(second)).toMatchObject({ status: 'done', output: 'polled /jobs/3' });

    const posts = agent.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => offered(r))).toEqual([
      { url: undefined, token: undefined },
      { url: undefined, token: undefined },
    ]);
  });
});

describe('http agents through the engine: telling the agent to stop', () => {
  /** An agent that accepts with a poll_url and answers cancels; records them. */
  async function cancellableAgent() {
    return agentServer((req, res) => {
      if (req.method === 'POST' && req.url === '/tasks') return json(res, 202, { poll_url: '/jobs/1' });
      if (req.method === 'GET') return json(res, 200, { status: 'running' });
      json(res, req.method === 'DELETE' ? 204 : 200, null);
    });
  }
  const cancelsTo = (agent: { requests: SeenRequest[] }) =>
    agent.requests.filter((r) => !(r.method === 'POST' && r.url === '/tasks') && r.method !== 'GET');
  const accepted = async (agent: { requests: SeenRequest[] }, run: string) => {
    await eventually(async () => agent.requests.length >= 1, 5_000, 'the task POST');
    await eventually(async () => (await taskOf(run)).status === 'in_progress', 5_000, 'in_progress');
    await new Promise((r) => setTimeout(r, 30)); // the 202 is read
  };
  const settleDown = () => new Promise((r) => setTimeout(r, 200));

  it('cancelling the task DELETEs the poll_url once, logs it, and expires the callback', async () => {
    await serveBaton();
    const agent = await cancellableAgent();
    const run = await setup(app, [remote(`${agent.url}/tasks`)], plan());
    await accepted(agent, run);
    await call<TaskRun>(app, 'runs.cancelTask', { run_id: run, task_id: 'summarize' });
    await eventually(async () => (await logsOf(run)).length > 0, 5_000, 'the cancel log line');
    await settleDown();
    expect(cancelsTo(agent).map((r) => [r.method, r.url])).toEqual([['DELETE', '/jobs/1']]);
    expect((await logsOf(run)).map((l) => [l.stream, l.text])).toEqual([
      ['info', `told the agent to stop: DELETE ${agent.url}/jobs/1 answered 204`],
    ]);
    const { url, token } = offered(agent.requests[0]);
    expect((await post(url!, { status: 'completed', output: 'late' }, bearer(token))).status).toBe(404);
    expect(await taskOf(run)).toMatchObject({ status: 'cancelled', output: null });
  });

  it('cancelling the run POSTs the configured cancel_url once, with the reason', async () => {
    const agent = await cancellableAgent();
    const run = await setup(
      app,
      [remote(`${agent.url}/tasks`, { cancel_url: '/cancel/{run_id}/{task_id}?attempt={attempt}' })],
      plan(),
    );
    await accepted(agent, run);
    await call(app, 'runs.cancel', { run_id: run });
    await eventually(async () => cancelsTo(agent).length > 0, 5_000, 'the cancel request');
    await settleDown();
    const cancels = cancelsTo(agent);
    expect(cancels.map((r) => [r.method, r.url])).toEqual([
      ['POST', `/cancel/${encodeURIComponent(run)}/summarize?attempt=1`],
    ]);
    expect(JSON.parse(cancels[0]!.body)).toEqual({
      run_id: run,
      task_id: 'summarize',
      delegation_task_id: 'summarize-delegated',
      attempt: 1,
      reason: 'cancelled',
    });
    await eventually(async () => (await logsOf(run)).length > 0, 5_000, 'the cancel log line');
  });

  it('a timeout tells the agent once, with reason timeout, and the task fails as timed out', async () => {
    const agent = await cancellableAgent();
    const run = await setup(
      app,
      [remote(`${agent.url}/tasks`, { cancel_url: '/cancel' })],
      plan({ timeout_s: 0.3 }),
    );
    await app.engine.whenSettled(run);
    await eventually(async () => cancelsTo(agent).length > 0, 5_000, 'the cancel request');
    await settleDown();
    expect(cancelsTo(agent).map((r) => [r.method, r.url, JSON.parse(r.body).reason])).toEqual([
      ['POST', '/cancel', 'timeout'],
    ]);
    expect(await taskOf(run)).toMatchObject({ status: 'failed', error: 'timed out after 0.3 s' });
    await eventually(async () => (await logsOf(run)).length > 0, 5_000, 'the cancel log line');
    expect((await logsOf(run)).at(-1)?.text).toBe(
      `told the agent to stop: POST ${agent.url}/cancel answered 200`,
    );
  });
});

describe('the example http agent (resources/agents/http-word-count.mjs)', () => {
  const agentsDir = join(import.meta.dirname, '..', '..', 'resources', 'agents');
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill();
  });

  /** Starts the example service on a free port; its stdout lines are collected. */
  async function startExample(stepMs: number) {
    const child = spawn(process.execPath, [join(agentsDir, 'http-word-count.mjs'), '0'], {
      env: { ...process.env, STEP_MS: String(stepMs) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const lines: string[] = [];
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
    });
    await eventually(async () => lines.length > 0, 10_000, 'the example agent to listen');
    const url = /listening on (\S+)/.exec(lines[0]!)![1]!;
    const file = JSON.parse(readFileSync(join(agentsDir, 'http-agent.example.json'), 'utf8'));
    const agent = { ...file.agents[0], url } as AgentInput;
    return { url, agent, lines };
  }
  const countPlan = {
    plan_id: 'count',
    tasks: [
      { task_id: 'draft', description: 'one two three', required_skills: ['word_count'] },
      {
        task_id: 'count',
        description: 'count these words',
        required_skills: ['word_count'],
        depends_on: ['draft'],
      },
    ],
  };
  // The draft's output is the example's own answer: its only words are "task draft".
  const expected = {
    total: 5,
    counts: [
      { source: 'task count', words: 3 },
      { source: 'dependency draft (done)', words: 2 },
    ],
  };

  it('calls back when Baton is serving, and is polled when it is not', async () => {
    const example = await startExample(20);
    await serveBaton();
    const served = await setup(app, [example.agent], countPlan);
    await app.engine.whenSettled(served);
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: served });
    expect(detail.tasks.find((t) => t.task_id === 'count')).toMatchObject({
      status: 'done',
      output: expected,
    });
    const logs = await call<TaskLogLine[]>(app, 'runs.taskLogs', { run_id: served, task_id: 'count' });
    expect(logs.map((l) => l.text)).toEqual(['counted task count', 'counted dependency draft (done)']);

    await host!.close();
    host = null;
    const polled = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'count' })).run_id;
    await app.engine.whenSettled(polled);
    const again = await call<RunDetail>(app, 'runs.get', { run_id: polled });
    expect(again.tasks.find((t) => t.task_id === 'count')).toMatchObject({
      status: 'done',
      output: expected,
    });
  });

  it('stops its job when the run is cancelled, by its cancel_url or by DELETE on its poll_url', async () => {
    const example = await startExample(60_000);
    const cancelled = async () => {
      const run = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'slow' })).run_id;
      // The agent's 202 says "queued": once that reached the task, Baton knows where to send a
      // cancel (a fixed wait lost the race on a loaded machine, and no cancel was sent).
      await eventually(async () => (await taskOf(run)).progress_message === 'queued', 10_000, 'accepted');
      await call(app, 'runs.cancel', { run_id: run });
      await eventually(async () => (await logsOf(run)).length > 0, 5_000, 'the cancel log line');
      return (await logsOf(run)).map((l) => l.text);
    };
    await call(app, 'agents.import', { agents: [example.agent] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'slow',
        tasks: [{ task_id: 'summarize', description: 'a b c', required_skills: ['word_count'] }],
      },
    });
    expect(await cancelled()).toEqual([
      expect.stringMatching(
        /^told the agent to stop: DELETE http:\/\/127\.0\.0\.1:\d+\/jobs\/[\w-]+ answered 204$/,
      ),
    ]);
    await serveBaton();
    expect(await cancelled()).toEqual([
      expect.stringMatching(
        /^told the agent to stop: POST http:\/\/127\.0\.0\.1:\d+\/jobs\/[\w-]+\/cancel answered 204$/,
      ),
    ]);
    expect(example.lines.filter((l) => l.endsWith(' cancelled'))).toHaveLength(2);
  });
});
