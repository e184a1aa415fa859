import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../executor.ts';
import { createHttpExecutor } from './http.ts';
import { json, localServer } from './testing/local-server.ts';
import { collect, outcome, removeWorkspaces, taskContext } from './testing/task-context.ts';

afterAll(removeWorkspaces);
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const serve = async (handler: Parameters<typeof localServer>[0]) => {
  const s = await localServer(handler);
  servers.push(s);
  return s;
};

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
