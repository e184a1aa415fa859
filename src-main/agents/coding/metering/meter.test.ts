import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startAnthropicServer } from '../../../../test/kit/model-servers/anthropic.ts';
import { startGeminiServer } from '../../../../test/kit/model-servers/gemini.ts';
import { startChatServer } from '../../../../test/kit/model-servers/openai-chat.ts';
import { startResponsesServer } from '../../../../test/kit/model-servers/openai-responses.ts';
import type { ModelServer, ServerOptions, Turn } from '../../../../test/kit/model-servers/scripted-server.ts';
import { costOf } from '../streams/prices.ts';
import type { Meter, MeterNote, MeterOptions, MeterSpent } from './meter.ts';
import { startMeter } from './meter.ts';
import type { Wire } from './wires.ts';

// The metering endpoint between a CLI and its model, against the scripted model servers of each
// wire (test/kit/model-servers/): real sockets on 127.0.0.1, answers whole and streamed.
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const PRICE = { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3 };
const USAGE = { input: 1_000, output: 200, cached: 100 };
/** What USAGE costs at PRICE: 900 uncached and 100 cached in, 200 out. */
const COST = costOf(PRICE, { input_tokens: 900, cached_input_tokens: 100, output_tokens: 200 });

const WIRES: Record<
  Wire,
  {
    start: (o: ServerOptions) => Promise<ModelServer>;
    /** The base URL a CLI is given: Anthropic's and Google's root, OpenAI's `/v1`. */
    base: (url: string) => string;
    /** A model call's path under it (the Gemini API's says whether it streams). */
    path: (stream: boolean) => string;
    body: (stream: boolean, extra?: Record<string, unknown>) => Record<string, unknown>;
  }
> = {
  anthropic: {
    start: startAnthropicServer,
    base: (u) => u,
    path: () => '/v1/messages?beta=true',
    body: (stream, extra) => ({
      model: 'm1',
      stream,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Say hi.' }],
      tools: [{ name: 'Write', input_schema: { type: 'object' } }],
      ...extra,
    }),
  },
  responses: {
    start: startResponsesServer,
    base: (u) => `${u}/v1`,
    path: () => '/responses',
    body: (stream, extra) => ({
      model: 'm1',
      stream,
      input: [{ type: 'message', role: 'user', content: 'Say hi.' }],
      tools: [{ type: 'function', name: 'Write', parameters: { type: 'object' } }],
      ...extra,
    }),
  },
  chat: {
    start: startChatServer,
    base: (u) => `${u}/v1`,
    path: () => '/chat/completions',
    body: (stream, extra) => ({
      model: 'm1',
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      messages: [{ role: 'user', content: 'Say hi.' }],
      tools: [{ type: 'function', function: { name: 'Write', parameters: { type: 'object' } } }],
      ...extra,
    }),
  },
  gemini: {
    start: startGeminiServer,
    base: (u) => u,
    path: (stream) => `/v1beta/models/m1:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    body: (_stream, extra) => ({
      contents: [{ role: 'user', parts: [{ text: 'Say hi.' }] }],
      tools: [{ functionDeclarations: [{ name: 'Write', parameters: { type: 'object' } }] }],
      ...extra,
    }),
  },
};

async function upstream(wire: Wire, turns: Turn[], options: ServerOptions = {}) {
  const server = await WIRES[wire].start({ conversations: [{ name: 'c', turns }], ...options });
  closers.push(() => server.close());
  return server;
}

/** The provider's key: the model server gets it, the CLI never holds it. */
const KEY = 'sk-provider-key';
/** The attempt's token of each endpoint started here, by its URL: what a CLI given that URL sends as its key. */
const tokens = new Map<string, string>();

async function meter(upstreamUrl: string, over: Partial<MeterOptions> = {}): Promise<Meter> {
  const m = await startMeter({
    upstream: upstreamUrl,
    key: KEY,
    prices: { m1: PRICE },
    model: null,
    gate: () => null,
    ...over,
  });
  tokens.set(m.url, m.token);
  closers.push(() => m.close());
  return m;
}

/** The key a CLI sends to `url`: the attempt's token at an endpoint started here, else the provider's key (straight to the server). */
const keyFor = (url: string) =>
  [...tokens].find(([base]) => url.startsWith(`${base}/`) || url === base)?.[1] ?? KEY;

/** A request as the CLIs send one: the key in each header a wire takes it in. */
const post = (url: string, body: unknown, signal?: AbortSignal, key = keyFor(url)) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': key,
      'x-goog-api-key': key,
      authorization: `Bearer ${key}`,
    },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

/** Waits for the endpoint's next notes. */
async function notesOf(m: Meter, n = 1): Promise<MeterNote[]> {
  const out: MeterNote[] = [];
  while (out.length < n) {
    await m.news();
    out.push(...m.take());
  }
  return out;
}

describe.each(Object.keys(WIRES) as Wire[])('the metering endpoint, %s', (wire) => {
  const w = WIRES[wire];

  it.each([true, false])(
    'forwards a model call (streamed: %s) and prices the usage its answer carries',
    async (stream) => {
      const server = await upstream(wire, [{ text: 'Hi there.', usage: USAGE }]);
      const m = await meter(w.base(server.url));
      const res = await post(`${m.url}${w.path(stream)}`, w.body(stream));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Hi there.');
      const [n] = await notesOf(m);
      expect(n).toEqual({
        kind: 'call',
        call: {
          wire,
          model: 'm1',
          tokens: { input_tokens: 900, cached_input_tokens: 100, output_tokens: 200 },
          cost_usd: COST,
          cost_source: 'priced',
          unknown: null,
          at: expect.any(Number),
          duration_ms: expect.any(Number),
        },
      });
      expect(m.spent).toEqual({ usd: COST, calls: 1, unknown: 0, unpriced: 0 });
      // The request reached the server as sent: its path, query, key and body.
      const [seen] = server.modelCalls('c');
      expect(seen?.path).toBe(`${new URL(w.base(server.url)).pathname.replace(/\/$/, '')}${w.path(stream)}`);
      // The provider's key in place of the attempt's token, in every header the CLI sent it in.
      expect(seen?.headers['x-api-key']).toBe(KEY);
      expect(seen?.headers['x-goog-api-key']).toBe(KEY);
      expect(seen?.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(seen?.body).toMatchObject(w.body(stream));
    },
  );

  it('takes only the attempt’s own key: another, the provider’s own, none, or one of two is refused 401, nothing sent on', async () => {
    const server = await upstream(wire, [{ text: 'Hi.', usage: USAGE }]);
    const m = await meter(w.base(server.url));
    const url = `${m.url}${w.path(true)}`;
    const refusals: string[] = [];
    for (const key of ['sk-other', KEY, m.token.slice(0, -1), `${m.token}x`]) {
      const res = await post(url, w.body(true), undefined, key);
      expect(res.status).toBe(401);
      refusals.push(await res.text());
    }
    const send = (headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(w.body(true)),
      });
    const none = await send({});
    expect(none.status).toBe(401);
    expect(await none.text()).toContain('presented none');
    // The token in one header does not let another header carry a key of its own upstream.
    expect((await send({ 'x-api-key': m.token, authorization: `Bearer ${KEY}` })).status).toBe(401);
    for (const text of refusals) {
      expect(text).toContain("Baton's metering endpoint takes only this attempt's own key");
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(m.token);
    }
    expect(server.requests).toEqual([]);
    expect(m.spent.calls).toBe(0);
    // The attempt's token in the one header this wire's CLI uses is enough.
    const header = { anthropic: 'x-api-key', gemini: 'x-goog-api-key' }[wire as string] ?? 'authorization';
    const ok = await send({ [header]: header === 'authorization' ? `Bearer ${m.token}` : m.token });
    expect(ok.status).toBe(200);
    await ok.text();
    expect(server.requests.map((r) => r.headers[header])).toEqual([
      header === 'authorization' ? `Bearer ${KEY}` : KEY,
    ]);
  });

  it('passes the answer through byte for byte, streamed and whole', async () => {
    const server = await upstream(wire, [{ text: 'Hi there, in a few words.', usage: USAGE }]);
    for (const stream of [true, false]) {
      const direct = await post(`${w.base(server.url)}${w.path(stream)}`, w.body(stream));
      const bytes = Buffer.from(await direct.arrayBuffer());
      const type = direct.headers.get('content-type') ?? '';
      // The same answer again, from a server that sends exactly these bytes.
      const replay = await rawServer((_req, res) => {
        res.writeHead(200, { 'content-type': type });
        res.end(bytes);
      });
      const m = await meter(w.base(replay));
      const through = await post(`${m.url}${w.path(stream)}`, w.body(stream));
      expect(through.headers.get('content-type')).toBe(type);
      expect(Buffer.from(await through.arrayBuffer()).equals(bytes)).toBe(true);
      const [n] = await notesOf(m);
      expect(n).toMatchObject({ kind: 'call', call: { cost_usd: COST, cost_source: 'priced' } });
    }
  });

  it('refuses a model call once the gate says the budget is spent: a 402 in the wire’s words, nothing sent on', async () => {
    const server = await upstream(wire, [
      { tools: [{ name: 'Write', input: {} }], usage: USAGE },
      { text: 'never asked', usage: USAGE },
    ]);
    const seen: MeterSpent[] = [];
    const m = await meter(w.base(server.url), {
      gate: (s) => {
        seen.push(s);
        return s.usd >= COST ? `budget exceeded: spent $${s.usd} of $${COST}` : null;
      },
    });
    expect((await post(`${m.url}${w.path(true)}`, w.body(true))).status).toBe(200);
    await notesOf(m);
    const refused = await post(`${m.url}${w.path(true)}`, w.body(true));
    expect(refused.status).toBe(402);
    const body = (await refused.json()) as { error: { message: string; type: string } };
    expect(body.error.message).toBe(
      `Baton stopped this attempt: budget exceeded: spent $${COST} of $${COST}`,
    );
    if (wire === 'anthropic') expect(body).toMatchObject({ type: 'error', error: { type: 'billing_error' } });
    expect(await notesOf(m)).toEqual([
      { kind: 'refused', reason: `budget exceeded: spent $${COST} of $${COST}` },
    ]);
    // Refused once, refused for good: the gate is not asked again.
    expect((await post(`${m.url}${w.path(true)}`, w.body(true))).status).toBe(402);
    expect(seen).toHaveLength(2);
    expect(server.modelCalls('c')).toHaveLength(1);
    expect(m.spent.calls).toBe(1);
  });

  it('gates the next call on an answer whose last event was read, though its stream has not closed', async () => {
    const server = await upstream(wire, [{ tools: [{ name: 'Write', input: {} }], usage: USAGE }]);
    const direct = await post(`${w.base(server.url)}${w.path(true)}`, w.body(true));
    const bytes = Buffer.from(await direct.arrayBuffer());
    const type = direct.headers.get('content-type') ?? '';
    // Every byte of the answer, its end held back: a CLI acts on the last event and calls again.
    let release = () => {};
    const held = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': type });
      res.write(bytes);
      release = () => res.end();
    });
    const m = await meter(w.base(held), {
      gate: (s) => (s.usd >= COST ? `budget exceeded: spent $${s.usd} of $${COST}` : null),
    });
    const first = await post(`${m.url}${w.path(true)}`, w.body(true));
    const reader = first.body!.getReader();
    for (let got = 0; got < bytes.length; ) {
      const { value, done } = await reader.read();
      if (done) break;
      got += value.length;
    }
    expect((await post(`${m.url}${w.path(true)}`, w.body(true))).status).toBe(402);
    release();
    while (!(await reader.read()).done) {}
    expect(m.spent).toMatchObject({ usd: COST, calls: 1 });
  });

  it('an answer it cannot read is spend of unknown cost, never $0', async () => {
    const server = await upstream(wire, [{ fault: { kind: 'garbage' } }]);
    const m = await meter(w.base(server.url));
    await (await post(`${m.url}${w.path(true)}`, w.body(true))).text();
    const [n] = await notesOf(m);
    expect(n).toMatchObject({
      kind: 'call',
      call: {
        cost_usd: null,
        cost_source: 'unknown',
        unknown: 'the answer ended without saying what it used',
      },
    });
    expect(m.spent).toEqual({ usd: 0, calls: 1, unknown: 1, unpriced: 0 });
  });

  it('a model without a price: its tokens are counted, its cost is not known', async () => {
    const server = await upstream(wire, [{ text: 'Hi.', usage: USAGE }]);
    const m = await meter(w.base(server.url), { prices: {} });
    await (await post(`${m.url}${w.path(true)}`, w.body(true))).text();
    const [n] = await notesOf(m);
    expect(n).toMatchObject({
      call: { model: 'm1', cost_usd: null, cost_source: 'unpriced', unknown: null },
    });
    expect(m.spent.unpriced).toBe(1);
  });

  it('an error status is passed on and costs nothing', async () => {
    const server = await upstream(wire, [{ fault: { kind: 'status', status: 500 } }]);
    const m = await meter(w.base(server.url));
    const res = await post(`${m.url}${w.path(true)}`, w.body(true));
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('scripted error 500');
    expect(m.spent).toEqual({ usd: 0, calls: 1, unknown: 0, unpriced: 0 });
    expect(m.take()).toEqual([]);
  });

  it('a CLI that goes away mid-answer: the answer is read on to its end and priced', async () => {
    const server = await upstream(
      wire,
      [{ text: 'one two three four five six seven eight nine ten', usage: USAGE }],
      {
        frameDelayMs: 30,
      },
    );
    const m = await meter(w.base(server.url));
    const ac = new AbortController();
    const res = await post(`${m.url}${w.path(true)}`, w.body(true), ac.signal);
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    const [n] = await notesOf(m);
    expect(n).toMatchObject({ kind: 'call', call: { cost_usd: COST, cost_source: 'priced' } });
  });

  it('a call still open when the attempt ends is cut, its cost unknown', async () => {
    const server = await upstream(wire, [{ fault: { kind: 'hang' } }]);
    const m = await meter(w.base(server.url));
    const pending = post(`${m.url}${w.path(true)}`, w.body(true)).then(
      (r) => r.text(),
      () => 'cut',
    );
    await expect.poll(() => server.modelCalls('c').length).toBe(1);
    await m.close();
    await pending;
    expect(m.take()).toMatchObject([
      { kind: 'call', call: { cost_source: 'unknown', unknown: 'the answer was cut: the attempt ended' } },
    ]);
    expect(m.spent.unknown).toBe(1);
  });
});

describe('the metering endpoint', () => {
  it('asks a chat stream for its usage when the CLI did not, and reads it', async () => {
    const server = await upstream('chat', [{ text: 'Hi.', usage: USAGE }]);
    const m = await meter(`${server.url}/v1`);
    const { stream_options: _, ...body } = WIRES.chat.body(true);
    const text = await (await post(`${m.url}/chat/completions`, body)).text();
    expect(server.modelCalls('c')[0]?.body).toMatchObject({ stream_options: { include_usage: true } });
    expect(text).toContain('"usage"');
    expect(await notesOf(m)).toMatchObject([{ call: { cost_usd: COST } }]);
  });

  it('forwards what is not a model call unmetered, and serves nobody without its token', async () => {
    const server = await upstream('anthropic', []);
    // Claude Code on the person's own login (no provider, so no key to swap): its credentials pass as they are.
    const m = await meter(server.url, { key: null });
    const probe = await fetch(`${m.url}/api/hello`, { method: 'HEAD' });
    expect(probe.status).toBe(404);
    const models = await fetch(`${m.url}/v1/models`);
    expect(models.status).toBe(404);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'HEAD /api/hello',
      'GET /v1/models',
    ]);
    const origin = new URL(m.url).origin;
    expect((await post(`${origin}/v1/messages`, WIRES.anthropic.body(true))).status).toBe(404);
    expect((await post(`${origin}/${m.token.slice(1)}/v1/messages`, WIRES.anthropic.body(true))).status).toBe(
      404,
    );
    expect(server.requests).toHaveLength(2);
    expect(m.spent.calls).toBe(0);
  });

  it('forwards plain paths only, and past the budget sends nothing more with the key', async () => {
    // A path a server reads loosely (a trailing slash, another case) was no model call to the
    // endpoint: sent unmetered, past the budget, with the key; `..` climbed out of the base path.
    const server = await upstream('anthropic', []);
    const m = await meter(`${server.url}/tenant/anthropic`, { gate: () => 'budget exceeded' });
    const url = new URL(m.url);
    /** A POST sent with its path as written (fetch would resolve `..` itself). */
    const raw = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: `${url.pathname}${path}`,
            headers: { 'content-type': 'application/json', 'x-api-key': m.token },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(WIRES.anthropic.body(false)));
      });
    for (const loose of ['/v1/messages/', '/v1/Messages', '/v1/MESSAGES//'])
      expect(await raw(loose), loose).toBe(402);
    for (const odd of [
      '/v1/messages;x',
      '/v1/messages%2f',
      '/v1/messages%2F.',
      '/../../other/v1/messages',
      '/v1/./messages',
      '/v1\\messages',
    ])
      expect(await raw(odd), odd).toBe(400);
    // Refused once: a POST it does not know is refused too.
    expect(await raw('/v1/messages/count_tokens')).toBe(402);
    expect(server.requests).toEqual([]);
    expect(m.spent.calls).toBe(0);
  });

  it('on the person’s own login (no provider key) the CLI’s credentials pass as they are', async () => {
    const server = await upstream('anthropic', [{ text: 'Hi.', usage: USAGE }]);
    const m = await meter(server.url, { key: null });
    await (
      await post(`${m.url}/v1/messages`, WIRES.anthropic.body(true), undefined, 'sk-ant-oauth-person')
    ).text();
    expect(server.modelCalls('c')[0]?.headers['x-api-key']).toBe('sk-ant-oauth-person');
    expect(await notesOf(m)).toMatchObject([{ call: { cost_usd: COST } }]);
  });

  it('a Gemini call with its key as a query parameter: the token checked and swapped there', async () => {
    const server = await upstream('gemini', [{ text: 'Hi.', usage: USAGE }]);
    const m = await meter(server.url);
    const path = '/v1beta/models/m1:streamGenerateContent?alt=sse&key=';
    const send = (key: string) =>
      fetch(`${m.url}${path}${encodeURIComponent(key)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(WIRES.gemini.body(true)),
      });
    expect((await send(KEY)).status).toBe(401);
    const ok = await send(m.token);
    expect(ok.status).toBe(200);
    await ok.text();
    expect(server.requests.map((r) => r.path)).toEqual([`${path}${KEY}`]);
    expect(await notesOf(m)).toMatchObject([{ call: { wire: 'gemini', model: 'm1', cost_usd: COST } }]);
  });

  it('a Gemini stream asked for as one JSON array (no alt=sse) is read for its usage too', async () => {
    const server = await upstream('gemini', [{ text: 'Hi.', usage: USAGE }]);
    const direct = await post(
      `${server.url}/v1beta/models/m1:streamGenerateContent?alt=sse`,
      WIRES.gemini.body(true),
    );
    const chunks = (await direct.text())
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as unknown);
    const replay = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(chunks));
    });
    const m = await meter(replay);
    await (await post(`${m.url}/v1beta/models/m1:streamGenerateContent`, WIRES.gemini.body(true))).text();
    expect(await notesOf(m)).toMatchObject([
      { call: { wire: 'gemini', cost_usd: COST, cost_source: 'priced' } },
    ]);
  });

  it('says so when the model server cannot be reached', async () => {
    const dead = await rawServer(() => {});
    const url = dead;
    await closers.pop()!();
    const m = await meter(url);
    const res = await post(`${m.url}/v1/messages`, WIRES.anthropic.body(true));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      `Baton's metering endpoint could not reach ${url}`,
    );
    expect(m.take()).toEqual([]);
  });

  it('prices by the model the answer names, else the request’s, else the agent’s', async () => {
    const server = await upstream('responses', [{ text: 'Hi.', usage: USAGE }]);
    const m = await meter(`${server.url}/v1`, { prices: { 'm1-2025-01-01': PRICE } });
    await (await post(`${m.url}/responses`, WIRES.responses.body(true, { model: 'm1-2025-01-01' }))).text();
    expect(await notesOf(m)).toMatchObject([{ call: { model: 'm1-2025-01-01', cost_usd: COST } }]);
    const agentOnly = await meter(`${server.url}/v1`, { prices: { mine: PRICE }, model: 'mine' });
    await (
      await post(`${agentOnly.url}/responses`, WIRES.responses.body(true, { model: 'unknown-name' }))
    ).text();
    expect(await notesOf(agentOnly)).toMatchObject([{ call: { model: 'mine', cost_usd: COST } }]);
  });
});

/** A plain HTTP server on 127.0.0.1; its URL. */
async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
