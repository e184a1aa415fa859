import { afterAll, describe, expect, it } from 'vitest';
import type { AgentInput } from '../../../src-shared/schemas/agent.ts';
import type { Executor, ExecutorEvent } from '../../engine/executor.ts';
import type { SeenRequest } from '../testing/local-server.ts';
import { json, localServer, localServers } from '../testing/local-server.ts';
import { collect, outcome, removeWorkspaces, taskContext } from '../testing/task-context.ts';
import type { HttpExecutorOptions } from './http.ts';
import { createHttpExecutor } from './http.ts';
import type { AgentCallbacks } from './http-callbacks.ts';
import { createAgentCallbacks } from './http-callbacks.ts';
import type { AttemptLog } from './http-cancel.ts';

afterAll(removeWorkspaces);
const serve = localServers();

const TOKEN = 'tok-5ecret-value';
const executor = createHttpExecutor({ retryBaseMs: 10, random: () => 0 });
const agentAt = (url: string, extra: Record<string, unknown> = {}) => ({
  id: 'remote',
  kind: 'http' as const,
  url,
  auth_secret: 'remote.token',
  poll_interval_ms: 20,
  ...extra,
});
const run = (
  url: string,
  extra: Record<string, unknown> = {},
  signal?: AbortSignal,
  onEvent?: (e: ExecutorEvent) => void,
) =>
  collect(
    executor,
    taskContext(agentAt(url, extra), { secrets: { 'remote.token': TOKEN } }),
    signal,
    onEvent,
  );

describe('http executor', () => {
  it('posts the task with the bearer token and takes an immediate answer', async () => {
    const s = await serve((_, res) => json(res, 200, { status: 'completed', output: { summary: 'done' } }));
    const events = await run(`${s.url}/tasks`);
    expect(outcome(events)).toEqual({ type: 'result', output: { summary: 'done' } });
    const [req] = s.requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/tasks');
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['idempotency-key']).toBe('delegation-1:1');
    const body = JSON.parse(req!.body);
    expect(body).toMatchObject({
      task: { task_id: 'task-1' },
      context: { run_id: 'run-1', agent: { id: 'remote' } },
      delegation_task_id: 'delegation-1',
      attempt: 1,
    });
    expect(req!.body).not.toContain(TOKEN);
  });

  it('sends the secret in the header auth_header names, as is', async () => {
    const s = await serve((_, res) => json(res, 200, { status: 'completed', output: 1 }));
    await run(s.url, { auth_header: 'X-Api-Key' });
    expect(s.requests[0]?.headers['x-api-key']).toBe(TOKEN);
    expect(s.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('fails with what the agent said on status failed', async () => {
    const s = await serve((_, res) => json(res, 200, { status: 'failed', error: 'no such repository' }));
    expect(outcome(await run(s.url))).toEqual({ type: 'error', message: 'no such repository' });
  });

  it('polls after 202 until completed, reporting progress', async () => {
    let polls = 0;
    const s = await serve((req, res) => {
      if (req.method === 'POST') return json(res, 202, { poll_url: '/jobs/7' });
      polls++;
      if (polls === 1) return json(res, 200, { status: 'running', progress: 30, message: 'reading' });
      if (polls === 2) return json(res, 200, { status: 'running', progress: 30, message: 'reading' });
      if (polls === 3) return json(res, 200, { status: 'running', progress: 80 });
      return json(res, 200, { status: 'completed', output: { pages: 12 } });
    });
    const events = await run(`${s.url}/tasks`);
    expect(events.filter((e) => e.type === 'progress')).toEqual([
      { type: 'progress', percent: 30, message: 'reading' },
      { type: 'progress', percent: 80 },
    ]);
    expect(outcome(events)).toEqual({ type: 'result', output: { pages: 12 } });
    expect(s.requests.slice(1).map((r) => [r.method, r.url, r.headers.authorization])).toEqual(
      Array(4).fill(['GET', '/jobs/7', `Bearer ${TOKEN}`]),
    );
  });

  it('does not send the token to a poll_url on another origin', async () => {
    const other = await serve((_, res) => json(res, 200, { status: 'completed', output: 'elsewhere' }));
    const s = await serve((_, res) => json(res, 202, { poll_url: `${other.url}/jobs/1` }));
    expect(outcome(await run(s.url))).toEqual({ type: 'result', output: 'elsewhere' });
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('retries a 500 and then succeeds', async () => {
    const s = await serve((_, res) => {
      if (s.requests.length === 1) return json(res, 500, { error: 'warming up' });
      json(res, 200, { status: 'completed', output: 'second time' });
    });
    const events = await run(s.url);
    expect(s.requests).toHaveLength(2);
    expect(events[0]).toMatchObject({ type: 'log', stream: 'info' });
    expect(events[0]?.type === 'log' && events[0].text).toMatch(
      /answered 500: \{"error":"warming up"\}; retry 1 of 2/,
    );
    expect(outcome(events)).toEqual({ type: 'result', output: 'second time' });
  });

  it('does not retry a 401', async () => {
    const s = await serve((_, res) => json(res, 401, { error: 'bad token' }));
    const events = await run(s.url);
    expect(s.requests).toHaveLength(1);
    expect(outcome(events)).toEqual({
      type: 'error',
      message: `POST ${s.url}/ answered 401: {"error":"bad token"}`,
    });
  });

  it('gives up on a server that is too slow, after the retries', async () => {
    const s = await serve(() => {}); // never answers
    const events = await run(s.url, { timeout_s: 0.2, max_retries: 1 });
    expect(s.requests).toHaveLength(2);
    expect(outcome(events)).toEqual({ type: 'error', message: `POST ${s.url}/ timed out after 0.2 s` });
  });

  it('retries when the server cannot be reached', async () => {
    const s = await localServer(() => {});
    await s.close();
    const events = await run(s.url, { max_retries: 1 });
    expect(events.filter((e) => e.type === 'log')).toHaveLength(1);
    const final = outcome(events);
    expect(final.type === 'error' && final.message).toBe(`POST ${s.url}/ failed: ECONNREFUSED`);
  });

  it('stops polling at once when aborted', async () => {
    const ac = new AbortController();
    const s = await serve((req, res) => {
      if (req.method === 'POST')
        return json(res, 202, { poll_url: '/jobs/1', status: 'accepted', message: 'queued' });
      json(res, 200, { status: 'running', progress: 10 });
    });
    const started = Date.now();
    const events = await run(s.url, { poll_interval_ms: 60_000 }, ac.signal, (e) => {
      if (e.type === 'progress') setTimeout(() => ac.abort(), 10);
    });
    expect(outcome(events)).toEqual({ type: 'error', message: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('aborts a request in flight', async () => {
    const ac = new AbortController();
    const s = await serve(() => {
      ac.abort();
    });
    expect(outcome(await run(s.url, {}, ac.signal))).toEqual({ type: 'error', message: 'cancelled' });
  });

  it('never lets the secret into an event', async () => {
    const s = await serve((req, res) => {
      if (s.requests.length === 1) return json(res, 503, { echo: req.headers.authorization });
      json(res, 200, { status: 'failed', error: `token ${TOKEN} was revoked` });
    });
    const events = await run(s.url);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(events[0]?.type === 'log' && events[0].text).toContain('Bearer ***');
    expect(outcome(events)).toEqual({ type: 'error', message: 'token *** was revoked' });
  });

  it('fails before any request when the secret is not set', async () => {
    const s = await serve((_, res) => json(res, 200, {}));
    const events = await collect(executor, taskContext(agentAt(s.url)));
    expect(events).toEqual([{ type: 'error', message: 'secret "remote.token" is not set' }]);
    expect(s.requests).toHaveLength(0);
  });

  it('fails when the agent says it is running but gives nowhere to poll', async () => {
    const s = await serve((_, res) => json(res, 200, { status: 'running', progress: 5 }));
    expect(outcome(await run(s.url))).toEqual({
      type: 'error',
      message: 'the agent said it is running but gave no poll_url',
    });
  });

  it('rejects an answer it cannot read', async () => {
    const s = await serve((_, res) => json(res, 200, { state: 'whatever' }));
    const final = outcome(await run(s.url));
    expect(final.type === 'error' && final.message).toMatch(
      /answered 200 with an unexpected body \(status: /,
    );
  });
});

describe('http executor: callbacks', () => {
  const withCallbacks = (callbacks: AgentCallbacks, extra: HttpExecutorOptions = {}) =>
    createHttpExecutor({ retryBaseMs: 10, random: () => 0, agentCallbacks: callbacks, ...extra });
  const hosted = () => {
    const callbacks = createAgentCallbacks();
    callbacks.serveAt('http://127.0.0.1:4800/');
    return callbacks;
  };
  const idOf = (callbackUrl: string) => callbackUrl.slice(callbackUrl.lastIndexOf('/') + 1);

  it('offers a callback URL and token, and takes progress, log lines and the result posted there', async () => {
    const callbacks = hosted();
    const s = await serve((_, res) => json(res, 202, { status: 'accepted', message: 'queued' }));
    const ctx = taskContext(agentAt(s.url), { secrets: { 'remote.token': TOKEN } });
    const events = await collect(withCallbacks(callbacks), ctx, undefined, (e) => {
      if (e.type !== 'progress' || e.message !== 'queued') return;
      const req = s.requests[0]!;
      const id = idOf(JSON.parse(req.body).callback_url);
      const token = String(req.headers['x-baton-callback-token']);
      expect(callbacks.deliver(id, 'not-the-token', { status: 'completed', output: 'forged' })).toBe(
        'unauthorized',
      );
      callbacks.deliver(id, token, { status: 'running', progress: 40, log: [`halfway, token ${token}`] });
      expect(callbacks.deliver(id, token, { status: 'completed', output: { pages: 3 } })).toBe('accepted');
      expect(callbacks.deliver(id, token, { status: 'completed', output: 'again' })).toBe('not_found');
    });
    const body = JSON.parse(s.requests[0]!.body);
    expect(body.callback_url).toMatch(/^http:\/\/127\.0\.0\.1:4800\/api\/agent-callbacks\/[\w-]{22}$/);
    expect(s.requests[0]!.headers['x-baton-callback-token']).toMatch(/^[\w-]{43}$/);
    expect(s.requests[0]!.body).not.toContain(s.requests[0]!.headers['x-baton-callback-token']);
    expect(events).toEqual([
      { type: 'progress', percent: 0, message: 'queued' },
      { type: 'log', stream: 'stdout', text: 'halfway, token ***' },
      { type: 'progress', percent: 40 },
      { type: 'result', output: { pages: 3 } },
    ]);
    expect(s.requests).toHaveLength(1); // no poll_url: nothing polled
    // The attempt is over: its token opens nothing.
    expect(
      callbacks.check(idOf(body.callback_url), String(s.requests[0]!.headers['x-baton-callback-token'])),
    ).toBe('not_found');
  });

  it('polls too when the agent also gives a poll_url; whichever ends the task first wins', async () => {
    const callbacks = hosted();
    const s = await serve((req, res) => {
      if (req.method === 'POST') return json(res, 202, { poll_url: '/jobs/1' });
      if (s.requests.length === 3) return json(res, 200, { status: 'completed', output: 'by polling' });
      json(res, 200, { status: 'running' });
    });
    expect(
      outcome(
        await collect(withCallbacks(callbacks), taskContext(agentAt(s.url, { auth_secret: undefined }))),
      ),
    ).toEqual({ type: 'result', output: 'by polling' });
    expect(s.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET']);
  });

  it('offers no callback without a host serving them, or when the agent has callback off', async () => {
    const s = await serve((_, res) => json(res, 200, { status: 'completed', output: 1 }));
    const agent = agentAt(s.url, { auth_secret: undefined });
    await collect(withCallbacks(createAgentCallbacks()), taskContext(agent));
    await collect(withCallbacks(hosted()), taskContext({ ...agent, callback: false }));
    for (const req of s.requests) {
      expect(JSON.parse(req.body).callback_url).toBeUndefined();
      expect(req.headers['x-baton-callback-token']).toBeUndefined();
    }
  });

  it('still needs a poll_url when no callback was offered', async () => {
    const s = await serve((_, res) => json(res, 202, {}));
    const final = outcome(
      await collect(
        withCallbacks(createAgentCallbacks()),
        taskContext(agentAt(s.url, { auth_secret: undefined })),
      ),
    );
    expect(final.type === 'error' && final.message).toMatch(/answered 202 without a poll_url \(poll_url: /);
  });
});

describe('http executor: telling the agent to stop', () => {
  type Line = Parameters<AttemptLog>[0];
  const setup = (extra: HttpExecutorOptions = {}) => {
    const lines: Line[] = [];
    const executor = createHttpExecutor({
      retryBaseMs: 10,
      random: () => 0,
      attemptLog: (l) => lines.push(l),
      cancelTimeoutMs: 300,
      ...extra,
    });
    return { executor, lines };
  };
  /** Runs until the agent accepted and reported progress, then aborts with `reason`. */
  const abortAfterAccept = async (executor: Executor, agent: AgentInput, reason = 'cancelled') => {
    const ac = new AbortController();
    const events = await collect(
      executor,
      taskContext(agent, { secrets: { 'remote.token': TOKEN } }),
      ac.signal,
      (e) => {
        if (e.type === 'progress') ac.abort(new Error(reason));
      },
    );
    expect(outcome(events)).toEqual({ type: 'error', message: 'cancelled' });
  };
  const cancels = (s: { requests: SeenRequest[] }) =>
    s.requests.filter((r) => r.method !== 'GET' && r.url !== '/');

  it('DELETEs the poll_url once, with the auth header, and logs how it went', async () => {
    const { executor, lines } = setup();
    const s = await serve((req, res) => {
      if (req.method === 'DELETE') return json(res, 204, null);
      if (req.method === 'POST') return json(res, 202, { poll_url: '/jobs/9', message: 'queued' });
      json(res, 200, { status: 'running' });
    });
    await abortAfterAccept(executor, agentAt(s.url, { poll_interval_ms: 60_000 }));
    await until(() => lines.length > 0);
    expect(cancels(s).map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['DELETE', '/jobs/9', `Bearer ${TOKEN}`],
    ]);
    expect(lines).toEqual([
      {
        run_id: 'run-1',
        task_id: 'task-1',
        attempt: 1,
        text: `told the agent to stop: DELETE ${s.url}/jobs/9 answered 204`,
      },
    ]);
  });

  it('POSTs to the configured cancel_url template, with the reason', async () => {
    const { executor, lines } = setup();
    const s = await serve((req, res) => {
      if (req.url.endsWith('/cancel')) return json(res, 200, { ok: true });
      json(res, 202, { poll_url: '/jobs/9', cancel_url: '/not-this-one', message: 'queued' });
    });
    await abortAfterAccept(
      executor,
      agentAt(`${s.url}/v1/tasks`, {
        poll_interval_ms: 60_000,
        cancel_url: 'jobs/{delegation_task_id}/{attempt}/cancel',
      }),
      'timeout',
    );
    await until(() => lines.length > 0);
    const [req, ...more] = cancels(s).slice(1);
    expect(more).toEqual([]);
    expect([req?.method, req?.url, req?.headers.authorization]).toEqual([
      'POST',
      '/v1/jobs/delegation-1/1/cancel',
      `Bearer ${TOKEN}`,
    ]);
    expect(JSON.parse(req!.body)).toEqual({
      run_id: 'run-1',
      task_id: 'task-1',
      delegation_task_id: 'delegation-1',
      attempt: 1,
      reason: 'timeout',
    });
    expect(lines[0]?.text).toBe(
      `told the agent to stop: POST ${s.url}/v1/jobs/delegation-1/1/cancel answered 200`,
    );
  });

  it('uses the cancel_url the agent answered, and does not send the token to another origin', async () => {
    const { executor, lines } = setup();
    const other = await serve((_, res) => json(res, 202, null));
    const s = await serve((_, res) =>
      json(res, 202, { poll_url: '/jobs/2', cancel_url: `${other.url}/stop/2`, message: 'queued' }),
    );
    await abortAfterAccept(executor, agentAt(s.url, { poll_interval_ms: 60_000 }));
    await until(() => lines.length > 0);
    expect(other.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['POST', '/stop/2', undefined],
    ]);
    expect(lines[0]?.text).toBe(`told the agent to stop: POST ${other.url}/stop/2 answered 202`);
  });

  it('does not wait for a cancel request that hangs, and logs that it timed out', async () => {
    const { executor, lines } = setup();
    const s = await serve((req, res) => {
      if (req.method === 'DELETE') return; // never answers
      json(res, 202, { poll_url: '/jobs/3', message: 'queued' });
    });
    const started = Date.now();
    await abortAfterAccept(executor, agentAt(s.url, { poll_interval_ms: 60_000 }));
    expect(Date.now() - started).toBeLessThan(250);
    expect(lines).toEqual([]);
    await until(() => lines.length > 0, 5_000);
    expect(lines[0]?.text).toBe(
      `could not tell the agent to stop: DELETE ${s.url}/jobs/3 timed out after 0.3 s`,
    );
    expect(cancels(s)).toHaveLength(1);
  });

  it('says so when there is nowhere to send a cancel', async () => {
    const callbacks = createAgentCallbacks();
    callbacks.serveAt('http://127.0.0.1:4800/');
    const { executor, lines } = setup({ agentCallbacks: callbacks });
    const s = await serve((_, res) => json(res, 202, { message: 'queued' }));
    await abortAfterAccept(executor, agentAt(s.url));
    expect(lines.map((l) => l.text)).toEqual([
      'the agent was not told to stop: it gave no poll_url or cancel_url, and has no cancel_url',
    ]);
  });

  it('sends nothing for a task that was never accepted', async () => {
    const { executor, lines } = setup();
    const ac = new AbortController();
    const s = await serve(() => ac.abort(new Error('cancelled')));
    await collect(
      executor,
      taskContext(agentAt(s.url, { cancel_url: '/cancel' }), { secrets: { 'remote.token': TOKEN } }),
      ac.signal,
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(s.requests).toHaveLength(1);
    expect(lines).toEqual([]);
  });
});

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
