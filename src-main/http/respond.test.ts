import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendJson } from './respond.ts';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

/** A server on 127.0.0.1 answering every request with `body` through sendJson; its URL. */
async function answering(body: unknown): Promise<string> {
  const server = createServer((_req, res) => sendJson(res, 200, body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('sendJson', () => {
  it('answers a body JSON cannot hold with a 500 that says why, not a closed connection', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    for (const body of [{ n: 1n }, { deep }]) {
      const res = await fetch(await answering(body));
      expect(res.status).toBe(500);
      const said = (await res.json()) as { error: { code: string; message: string } };
      expect(said.error.code).toBe('internal');
      expect(said.error.message).toMatch(/^the answer could not be written as JSON: /);
    }
    const ok = await fetch(await answering({ a: [1, 'x'] }));
    expect([ok.status, await ok.json()]).toEqual([200, { a: [1, 'x'] }]);
  });
});
