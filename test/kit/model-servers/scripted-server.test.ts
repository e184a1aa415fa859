import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startChatServer } from './openai-chat.ts';
import { post, streamedText } from './read-stream.ts';
import type { ModelServer } from './scripted-server.ts';

// What every protocol shares, shown on the Chat Completions server: the script, the record, the faults.
let server: ModelServer;
afterEach(() => server?.close());

const tool = { type: 'function', function: { name: 'write', parameters: { type: 'object' } } };
const ask = (messages: unknown[], extra: Record<string, unknown> = {}) =>
  post(`${server.url}/v1/chat/completions`, { model: 'm', stream: true, messages, tools: [tool], ...extra });
const user = { role: 'user', content: 'go' };
const assistant = { role: 'assistant', content: 'ok' };

describe('the script', () => {
  it('answers turn N to a history holding N assistant turns, so a retry or a resume lands on the right turn', async () => {
    server = await startChatServer({
      conversations: [{ name: 'c', turns: [{ text: 'first' }, { text: 'second' }] }],
    });
    const again = [await ask([user]), await ask([user]), await ask([user, assistant, user])];
    expect(again.map((r) => streamedText(r.events))).toEqual(['first', 'first', 'second']);
    expect(server.modelCalls('c').map((r) => [r.turn, r.answer])).toEqual([
      [0, 'turn'],
      [0, 'turn'],
      [1, 'turn'],
    ]);
  });

  it('records every request, and answers side requests (no tools), unknown paths and bad bodies apart', async () => {
    server = await startChatServer({
      conversations: [{ name: 'c', turns: [{ text: 'hi' }] }],
      sideText: 'A title',
    });
    const side = await post(`${server.url}/v1/chat/completions`, {
      model: 'm',
      stream: false,
      messages: [user],
    });
    expect(JSON.stringify(side.json)).toContain('A title');
    const missing = await fetch(`${server.url}/v1/models`);
    expect(missing.status).toBe(404);
    const bad = await post(`${server.url}/v1/chat/completions`, { messages: [] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('model: expected a string');
    expect(server.requests.map((r) => [r.method, r.path, r.answer])).toEqual([
      ['POST', '/v1/chat/completions', 'side'],
      ['GET', '/v1/models', 'not-found'],
      ['POST', '/v1/chat/completions', 'bad-request'],
    ]);
    expect(server.modelCalls()).toEqual([]);
  });

  it('says so in the answer when a turn calls a tool the client did not offer, or the script has ended', async () => {
    server = await startChatServer({
      conversations: [{ name: 'c', turns: [{ tools: [{ name: 'edit', input: {} }] }] }],
    });
    const r = await ask([user]);
    expect(streamedText(r.events)).toBe('script error: tool edit not offered (offered: write)');
    const past = await ask([user, assistant, user]);
    expect(streamedText(past.events)).toBe('(the script of c has no turn 1)');
    expect(server.requests.map((q) => q.answer)).toEqual(['tool-not-offered', 'past-end']);
  });

  it('computes tool input from the request when given a function, and takes a new script', async () => {
    server = await startChatServer();
    server.script([
      { name: 'c', turns: [{ tools: [{ name: 'write', input: (req) => ({ seen: req.texts.length }) }] }] },
    ]);
    const r = await ask([user, { role: 'user', content: 'more' }]);
    const args = r.events
      .map((e) => {
        const choice =
          typeof e === 'object' ? (e.choices as { delta: Record<string, unknown> }[])[0] : undefined;
        const call = (choice?.delta.tool_calls as { function: { arguments: string } }[] | undefined)?.[0];
        return call?.function.arguments ?? '';
      })
      .join('');
    expect(JSON.parse(args)).toEqual({ seen: 2 });
  });
});

describe('faults', () => {
  it('an HTTP error with the protocol error body, for faultTimes requests, then the turn', async () => {
    server = await startChatServer({
      conversations: [
        {
          name: 'c',
          turns: [
            {
              text: 'recovered',
              fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } },
              faultTimes: 1,
            },
          ],
        },
      ],
    });
    const first = await ask([user]);
    expect(first.status).toBe(429);
    expect(first.json).toMatchObject({ error: { type: 'rate_limit_exceeded' } });
    const second = await ask([user]);
    expect(streamedText(second.events)).toBe('recovered');
    expect(server.requests.map((r) => r.answer)).toEqual(['fault:status', 'turn']);
  });

  it('crash closes the socket; garbage is an event stream of no protocol', async () => {
    server = await startChatServer({
      conversations: [
        { name: 'crash', match: (r) => r.texts.includes('crash'), turns: [{ fault: { kind: 'crash' } }] },
        { name: 'garbage', turns: [{ fault: { kind: 'garbage' } }] },
      ],
    });
    await expect(ask([{ role: 'user', content: 'crash' }])).rejects.toThrow();
    const g = await ask([user]);
    expect(g.status).toBe(200);
    expect(g.events[0]).toBe('{"this is": not json');
  });

  it('crash mid-stream sends the start of an answer, then closes', async () => {
    server = await startChatServer({
      conversations: [{ name: 'c', turns: [{ fault: { kind: 'crash', midStream: true } }] }],
    });
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true, messages: [user], tools: [tool] }),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('hang answers nothing until the client gives up; close() ends it', async () => {
    server = await startChatServer({ conversations: [{ name: 'c', turns: [{ fault: { kind: 'hang' } }] }] });
    const ac = new AbortController();
    const pending = ask([user], {}).catch((e: unknown) => e);
    const aborted = post(
      `${server.url}/v1/chat/completions`,
      { model: 'm', stream: true, messages: [user], tools: [tool] },
      ac.signal,
    ).catch((e: unknown) => e);
    await waitFor(() => server.requests.length === 2);
    ac.abort();
    expect(await aborted).toBeInstanceOf(Error);
    await server.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('endless streams text deltas until the client goes away', async () => {
    server = await startChatServer({
      conversations: [{ name: 'c', turns: [{ fault: { kind: 'endless', everyMs: 5 } }] }],
    });
    const chunks = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/v1/chat/completions`, { method: 'POST' }, (res) => {
        let n = 0;
        res.on('data', () => {
          n++;
          if (n === 20) {
            req.destroy();
            resolve(n);
          }
        });
      });
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
      req.end(JSON.stringify({ model: 'm', stream: true, messages: [user], tools: [tool] }));
    });
    expect(chunks).toBe(20);
    expect(server.requests[0]?.answer).toBe('fault:endless');
  });
});

async function waitFor(done: () => boolean) {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error('waited in vain');
}
