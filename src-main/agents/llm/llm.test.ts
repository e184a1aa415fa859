import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../engine/executor.ts';
import { delta, finish, send, startStream, streamAll, usage } from '../testing/chat-server.ts';
import { json, localServers } from '../testing/local-server.ts';
import { collect, outcome, removeWorkspaces, taskContext } from '../testing/task-context.ts';
import { createLlmExecutor } from './llm.ts';

afterAll(removeWorkspaces);
const serve = localServers();

const KEY = 'sk-local-0123456789';
// A long flush interval: text goes out at newlines and at the end only, so tests are exact.
const executor = createLlmExecutor({ retryBaseMs: 10, random: () => 0, flushMs: 60_000 });
const agentAt = (baseUrl: string, extra: Record<string, unknown> = {}) => ({
  id: 'sage',
  name: 'Sage',
  kind: 'llm' as const,
  base_url: baseUrl,
  model: 'tiny-model',
  api_key_secret: 'llm.key',
  temperature: 0.2,
  prices: { 'tiny-model': { prompt_per_1k: 0.5, completion_per_1k: 1.5 } },
  charter: { mission: 'Answer briefly.' },
  ...extra,
});
const run = (
  baseUrl: string,
  extra: Record<string, unknown> = {},
  signal?: AbortSignal,
  onEvent?: (e: ExecutorEvent) => void,
) =>
  collect(
    executor,
    taskContext(agentAt(baseUrl, extra), { description: 'Say hello', secrets: { 'llm.key': KEY } }),
    signal,
    onEvent,
  );
const logText = (events: ExecutorEvent[]) =>
  events.flatMap((e) => (e.type === 'log' && e.stream === 'stdout' ? [e.text] : []));

describe('llm executor', () => {
  it('streams the answer in batches, reports usage with its cost, and answers with the text', async () => {
    const s = await serve((_, res) =>
      streamAll(res, [
        delta('Hel'),
        delta('lo'),
        delta(' world\n'),
        delta('Second'),
        delta(' line'),
        finish('stop'),
        usage(1000, 4),
      ]),
    );
    const events = await run(`${s.url}/v1/`);
    expect(logText(events)).toEqual(['Hello world\n', 'Second line']);
    expect(events).toContainEqual({
      type: 'usage',
      prompt_tokens: 1000,
      completion_tokens: 4,
      cost: 0.506,
      model: 'tiny-model',
    });
    expect(outcome(events)).toEqual({
      type: 'result',
      output: { text: 'Hello world\nSecond line', model: 'tiny-model', finish_reason: 'stop' },
    });
    const [req] = s.requests;
    expect(req?.url).toBe('/v1/chat/completions');
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
    const body = JSON.parse(req!.body);
    expect(body).toMatchObject({
      model: 'tiny-model',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
    });
    expect(body.messages[0].role).toBe('system');
    expect(body.messages[0].content).toContain('Mission: Answer briefly.');
    expect(body.messages[1]).toEqual({ role: 'user', content: 'Task task-1:\nSay hello' });
    expect(body.max_tokens).toBeUndefined();
  });

  it('works with a server that ignores stream and answers one JSON completion', async () => {
    const s = await serve((_, res) =>
      json(res, 200, {
        id: 'chatcmpl-2',
        object: 'chat.completion',
        model: 'other-model',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Hi there.' }, finish_reason: 'length' },
        ],
        usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
      }),
    );
    const events = await run(s.url, {
      prices: { 'other-model': { prompt_per_1k: 1, completion_per_1k: 1 } },
    });
    expect(logText(events)).toEqual(['Hi there.']);
    expect(events).toContainEqual({
      type: 'usage',
      prompt_tokens: 12,
      completion_tokens: 3,
      cost: 0.015,
      model: 'other-model',
    });
    expect(outcome(events)).toEqual({
      type: 'result',
      output: { text: 'Hi there.', model: 'other-model', finish_reason: 'length' },
    });
  });

  it('costs 0 for a model the price table does not list', async () => {
    const s = await serve((_, res) =>
      streamAll(res, [delta('ok', 'unlisted'), finish(), usage(5, 1, 'unlisted')]),
    );
    const events = await run(s.url, { model: 'unlisted', prices: {} });
    expect(events.find((e) => e.type === 'usage')).toMatchObject({ cost: 0, model: 'unlisted' });
  });

  it('fails, naming it, on a malformed chunk', async () => {
    const s = await serve((_, res) => {
      startStream(res);
      send(res, delta('partial'));
      send(res, '{"choices": [oops');
      res.end();
    });
    const events = await run(s.url);
    expect(outcome(events)).toEqual({
      type: 'error',
      message: 'malformed JSON in the stream: {"choices": [oops',
    });
  });

  it('fails with the message of an error sent in the stream', async () => {
    const s = await serve((_, res) => streamAll(res, [{ error: { message: 'model is overloaded' } }]));
    expect(outcome(await run(s.url))).toEqual({ type: 'error', message: 'model is overloaded' });
  });

  it('retries a 500 and then streams', async () => {
    const s = await serve((_, res) => {
      if (s.requests.length === 1) return json(res, 500, { error: { message: 'loading model' } });
      streamAll(res, [delta('fine'), finish(), usage(1, 1)]);
    });
    const events = await run(s.url);
    expect(s.requests).toHaveLength(2);
    expect(events[0]?.type === 'log' && events[0].text).toMatch(
      /answered 500: .*loading model.*; retry 1 of 2/,
    );
    expect(outcome(events)).toMatchObject({ type: 'result', output: { text: 'fine' } });
  });

  it('does not retry a 404 (no such model)', async () => {
    const s = await serve((_, res) => json(res, 404, { error: { message: 'model "tiny-model" not found' } }));
    const final = outcome(await run(s.url));
    expect(s.requests).toHaveLength(1);
    expect(final.type === 'error' && final.message).toContain('answered 404');
  });

  it('times out on an answer that stalls mid-stream', async () => {
    const s = await serve((_, res) => {
      startStream(res);
      send(res, delta('thinking'));
    });
    const events = await run(s.url, { timeout_s: 0.3, max_retries: 0 });
    expect(outcome(events)).toEqual({
      type: 'error',
      message: `${s.url}/chat/completions timed out after 0.3 s`,
    });
  });

  it('stops at once when aborted mid-stream', async () => {
    const ac = new AbortController();
    const s = await serve((_, res) => {
      startStream(res);
      send(res, delta('first line\n'));
    });
    const started = Date.now();
    const events = await run(s.url, {}, ac.signal, (e) => {
      if (e.type === 'log') ac.abort();
    });
    expect(outcome(events)).toEqual({ type: 'error', message: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('sends the key but never lets it into an event', async () => {
    const s = await serve((req, res) => {
      if (s.requests.length === 1) return json(res, 503, { error: `bad auth ${req.headers.authorization}` });
      const [a, b] = [KEY.slice(0, 6), KEY.slice(6)];
      streamAll(res, [delta(`the key is ${a}`), delta(`${b}, shh`), finish(), usage(1, 1)]);
    });
    const events = await run(s.url);
    expect(s.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`]);
    expect(JSON.stringify(events)).not.toContain(KEY);
    expect(JSON.stringify(events)).not.toContain(KEY.slice(6));
    expect(logText(events).join('')).toBe('the key is ***, shh');
    expect(outcome(events)).toMatchObject({ type: 'result', output: { text: 'the key is ***, shh' } });
  });

  it('fails before calling when the key secret is not set', async () => {
    const s = await serve((_, res) => json(res, 500, {}));
    const events = await collect(executor, taskContext(agentAt(s.url)));
    expect(events).toEqual([{ type: 'error', message: 'secret "llm.key" is not set' }]);
    expect(s.requests).toHaveLength(0);
  });
});
