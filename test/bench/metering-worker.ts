// What Baton's metering endpoint (src-main/agents/coding/metering/) adds to a model
// round trip: for each wire a coding CLI speaks, a scripted model server (test/kit/model-servers/)
// answers a streamed request (a short text, its usage), and the same request is sent, in
// alternation, straight to it and through the endpoint. Round trip = POST sent → the answer's last
// byte read, on kept-alive connections, as a CLI makes them. Prints `METERING_RESULT {json}`.
// Usage: node test/bench/metering-worker.ts [--trips N] (default 400 per wire and way)
import { startMeter } from '../../src-main/agents/coding/metering/meter.ts';
import type { Wire } from '../../src-main/agents/coding/metering/wires.ts';
import { startAnthropicServer } from '../kit/model-servers/anthropic.ts';
import { startGeminiServer } from '../kit/model-servers/gemini.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import { startResponsesServer } from '../kit/model-servers/openai-responses.ts';
import type { ModelServer, ServerOptions } from '../kit/model-servers/scripted-server.ts';
import { argInt } from './measure.ts';

export interface MeteringFigure {
  wire: Wire;
  trips: number;
  directP50Ms: number;
  meteredP50Ms: number;
  /** p50 of (through the endpoint − direct), each pair sent one after the other. */
  addedP50Ms: number;
  addedP90Ms: number;
}

const TRIPS = argInt('trips', 400);
const WARMUP = 50;
const TEXT = 'The change is in place: the function now checks its input and the tests cover both cases.';

const WIRES: Record<
  Wire,
  { start: (o: ServerOptions) => Promise<ModelServer>; path: string; body: unknown }
> = {
  anthropic: {
    start: startAnthropicServer,
    path: '/v1/messages',
    body: { model: 'm', stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'Go on.' }] },
  },
  responses: {
    start: startResponsesServer,
    path: '/v1/responses',
    body: { model: 'm', stream: true, input: [{ type: 'message', role: 'user', content: 'Go on.' }] },
  },
  chat: {
    start: startChatServer,
    path: '/v1/chat/completions',
    body: {
      model: 'm',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Go on.' }],
    },
  },
  gemini: {
    start: startGeminiServer,
    path: '/v1beta/models/m:streamGenerateContent?alt=sse',
    body: { contents: [{ role: 'user', parts: [{ text: 'Go on.' }] }] },
  },
};

/** The provider's key the server gets; the CLI sends the attempt's token in its place (the endpoint swaps them). */
const KEY = 'sk-provider-key';

const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function trip(url: string, body: string, key: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  await res.arrayBuffer();
  return performance.now() - t0;
}

const figures: MeteringFigure[] = [];
for (const [wire, w] of Object.entries(WIRES) as [Wire, (typeof WIRES)[Wire]][]) {
  const server = await w.start({
    conversations: [
      { name: 'c', match: () => true, turns: [{ text: TEXT, usage: { input: 2_000, output: 40 } }] },
    ],
  });
  const meter = await startMeter({
    upstream: server.url,
    key: KEY,
    prices: { m: { input_per_mtok: 3, output_per_mtok: 15 } },
    model: 'm',
    gate: () => null,
  });
  const body = JSON.stringify(w.body);
  const direct = `${server.url}${w.path}`;
  const through = `${meter.url}${w.path}`;
  const keyOf = (url: string) => (url === direct ? KEY : meter.token);
  for (let i = 0; i < WARMUP; i++) {
    await trip(direct, body, KEY);
    await trip(through, body, meter.token);
  }
  const d: number[] = [];
  const m: number[] = [];
  const added: number[] = [];
  for (let i = 0; i < TRIPS; i++) {
    // Alternate which goes first, so neither always finds the other's leftovers.
    const [a, b] = i % 2 === 0 ? [direct, through] : [through, direct];
    const ta = await trip(a, body, keyOf(a));
    const tb = await trip(b, body, keyOf(b));
    const [td, tm] = a === direct ? [ta, tb] : [tb, ta];
    d.push(td);
    m.push(tm);
    added.push(tm - td);
  }
  meter.take();
  const spent = meter.spent;
  if (spent.calls !== TRIPS + WARMUP || spent.unknown > 0)
    throw new Error(
      `the endpoint counted ${spent.calls} calls (${spent.unknown} unknown), not ${TRIPS + WARMUP}`,
    );
  await meter.close();
  await server.close();
  figures.push({
    wire,
    trips: TRIPS,
    directP50Ms: q(d, 0.5),
    meteredP50Ms: q(m, 0.5),
    addedP50Ms: q(added, 0.5),
    addedP90Ms: q(added, 0.9),
  });
}
console.log(`METERING_RESULT ${JSON.stringify(figures)}`);
