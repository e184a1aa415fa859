import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentCallbacks } from '../../engine/executors/http-callbacks.ts';
import { createAgentCallbackRoute } from './agent-callbacks.ts';

// The callback route over a real local HTTP server, with a slot nobody reads from: what an
// agent that posts faster than its attempt takes messages is told.
let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

async function serve() {
  const callbacks = createAgentCallbacks();
  const route = createAgentCallbackRoute(callbacks);
  server = createServer((req, res) => {
    const body = async () => {
      let text = '';
      for await (const chunk of req) text += chunk;
      return JSON.parse(text) as unknown;
    };
    void route(req, res, body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  callbacks.serveAt(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return callbacks;
}

const post = (url: string, token: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('agent callbacks', () => {
  it('answers 429 with Retry-After once 1,000 messages wait unread, and accepts again when one is read', async () => {
    const callbacks = await serve();
    const slot = callbacks.open()!;
    for (let i = 0; i < 1_000; i++) {
      const r = await post(slot.url, slot.token, { status: 'running', progress: i / 10 });
      expect(r.status).toBe(200);
    }
    const busy = await post(slot.url, slot.token, { status: 'running', message: 'one more' });
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(await busy.json()).toMatchObject({ error: { code: 'busy' } });
    // Nothing was queued by the refused post: the first message read is still the first posted.
    const first = await slot.next(new AbortController().signal, 0);
    expect(first).toMatchObject({ status: 'running', progress: 0 });
    expect((await post(slot.url, slot.token, { status: 'completed', output: { ok: true } })).status).toBe(
      200,
    );
    // The result ended the slot: its token delivers nothing more.
    expect((await post(slot.url, slot.token, { status: 'running' })).status).toBe(404);
  });
});
