import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startOnTempDir } from '../../../test/kit/host-kit.ts';
import { createAgentCallbacks } from '../../agents/index.ts';
import { REQUEST_TIMEOUT_MS } from '../../http/edge.ts';
import { startCallbackHost } from '../rest/callback-host.ts';
import { createRestHandler } from '../rest/router.ts';
import type { BrowserHost } from './server.ts';

/** Request bodies the API is sent, and clients that take their time sending them. */
describe('browser host: request bodies', () => {
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let post: (path: string, body: string | Buffer) => ReturnType<typeof http>;
  beforeAll(async () => {
    ({ host, stop } = await startOnTempDir((_dir, app) => ({ routes: createRestHandler(app.dispatch) })));
    post = (path, body) =>
      http(host.port, path, {
        method: 'POST',
        headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
        body,
      });
  });
  afterAll(() => stop());

  it('accepts a JSON body that starts with a UTF-8 byte order mark', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const res = await post('/api/rpc/plans.list', Buffer.concat([bom, Buffer.from('{}')]));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: [] });
    const validated = await post(
      '/api/rpc/plans.validate',
      Buffer.concat([bom, Buffer.from('{"plan": {"plan_id": "p", "tasks": []}}')]),
    );
    expect(validated.status).toBe(200);
  });

  it('refuses a POST body that is not a JSON object with 400, on the REST routes and the RPC alike', async () => {
    const progress = '/api/v1/agents/a1/tasks/r1/t1/progress';
    for (const [path, body, kind] of [
      [progress, '[1, 2]', 'an array'],
      [progress, '"progress"', 'a string'],
      [progress, '42', 'a number'],
      [progress, 'null', 'null'],
      ['/api/rpc/plans.list', 'null', 'null'],
      ['/api/rpc/plans.list', '[]', 'an array'],
      ['/api/v1/tasks', 'true', 'a boolean'],
    ] as const) {
      const res = await post(path, body);
      expect(res.status, `${path} ${body}`).toBe(400);
      expect(JSON.parse(res.body).error).toEqual({
        code: 'invalid_input',
        message: `request body must be a JSON object, got ${kind}`,
      });
    }
    // An empty body is still `{}`.
    expect((await post('/api/rpc/plans.list', '')).status).toBe(200);
  });
});

/** Sends the head of a POST whose body never comes, and resolves with the answer's status line. */
function trickle(port: number, token: string, opts: { finishHeaders: boolean }) {
  return new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (c) => (text += c));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    const head = `POST /api/rpc/plans.list HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n`;
    socket.write(opts.finishHeaders ? `${head}Content-Length: 100\r\n\r\n{"a` : head);
  });
}

describe('browser host: slow clients', () => {
  it('gives a client 30 s at most for a whole request, then answers 408 and closes', async () => {
    expect(REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
    const { host, stop } = await startOnTempDir(() => ({ requestTimeoutMs: 400 }));
    try {
      // An authenticated body that never ends, and headers that never end.
      expect(await trickle(host.port, host.token, { finishHeaders: true })).toBe(
        'HTTP/1.1 408 Request Timeout',
      );
      expect(await trickle(host.port, host.token, { finishHeaders: false })).toBe(
        'HTTP/1.1 408 Request Timeout',
      );
      expect(
        (await http(host.port, '/api/health', { headers: { Authorization: `Bearer ${host.token}` } })).status,
      ).toBe(200);
    } finally {
      await stop();
    }
  });
});

describe('agent callbacks: bodies', () => {
  it('refuses a callback with a field it does not know, naming it, and a body that is not an object', async () => {
    const callbacks = createAgentCallbacks();
    const cbHost = await startCallbackHost(callbacks);
    try {
      const slot = callbacks.open()!;
      const send = (body: string) =>
        fetch(slot.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${slot.token}`, 'content-type': 'application/json' },
          body,
        });
      const misspelt = await send(JSON.stringify({ status: 'running', progres: 50 }));
      expect(misspelt.status).toBe(400);
      expect((await misspelt.json()).error.message).toBe('(body): Unrecognized key: "progres"');
      const extra = await send(JSON.stringify({ status: 'completed', output: 1, ouput: 2 }));
      expect(extra.status).toBe(400);
      expect((await extra.json()).error.message).toContain('"ouput"');
      const list = await send('[{"status": "running"}]');
      expect(list.status).toBe(400);
      expect((await list.json()).error.message).toBe('request body must be a JSON object, got an array');
      // Nothing refused was delivered; a good message still is.
      expect((await send(JSON.stringify({ status: 'running', progress: 50 }))).status).toBe(200);
      expect(await slot.next(new AbortController().signal, 0)).toEqual({ status: 'running', progress: 50 });
    } finally {
      await cbHost.close();
    }
  });
});
