import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { http, raw, STACK_FRAME, startOnTempDir, upgradeRequest } from '../../../test/kit/host-kit.ts';
import type { Dispatch } from '../../app/dispatch.ts';
import { createRestHandler } from '../rest/router.ts';
import type { BrowserHost } from './server.ts';

/**
 * What a client can send that handlers never expected: every request, upgrade and socket
 * message enters through one guard (edge.ts), and the target is parsed by code that cannot
 * throw. One bad request is at most one refused request, never a stopped host.
 */
/** A built UI of one page, in `dir`. */
function ui(dir: string): string {
  mkdirSync(join(dir, 'ui'));
  writeFileSync(join(dir, 'ui', 'index.html'), '<!doctype html><title>Baton test UI</title>');
  return join(dir, 'ui');
}

describe('browser host edge: hostile input is refused, the host lives', () => {
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let auth: Record<string, string>;
  beforeAll(async () => {
    ({ host, stop } = await startOnTempDir((dir, app) => ({
      rendererDir: ui(dir),
      routes: async (req, res, ctx) => {
        // A route with a bug: the guard answers for it.
        if (ctx.target.path === '/api/broken') throw new Error('a bug\n    with a second line');
        return createRestHandler(app.dispatch)(req, res, ctx);
      },
    })));
    auth = { Authorization: `Bearer ${host.token}` };
  });
  afterAll(() => stop());
  afterEach(() => vi.restoreAllMocks());
  const alive = async () =>
    expect((await http(host.port, '/api/health', { headers: auth })).status).toBe(200);

  it('answers a WebSocket upgrade with a malformed cookie with 401, and keeps serving', async () => {
    // `Cookie: baton-token-<port>=%` once threw URIError in the upgrade handler and ended the process.
    for (const cookie of [`baton-token-${host.port}=%`, 'a=%E0%A4%A; baton-token=%', '=%; ;=;%']) {
      const r = await raw(host.port, upgradeRequest(host.port, [`Cookie: ${cookie}`]));
      expect(r.status).toBe(401);
    }
    await alive();
  });

  it('answers plain HTTP with a malformed cookie by its token alone: 401 without, 200 with', async () => {
    const cookie = { Cookie: `baton-token-${host.port}=%` };
    const refused = await http(host.port, '/api/health', { headers: cookie });
    expect(refused.status).toBe(401);
    expect(refused.body).not.toMatch(STACK_FRAME);
    expect((await http(host.port, '/api/health', { headers: { ...cookie, ...auth } })).status).toBe(200);
  });

  it('refuses malformed % escapes in a path with 400 naming the bad part', async () => {
    for (const [path, bad] of [
      ['/api/rpc/%E0%A4%A', '%E0%A4%A'],
      ['/api/v1/tasks/%zz', '%zz'],
      ['/api/v1/agents/a%/inbox', 'a%'],
      ['/plans/%', '%'],
      ['/%C0%AF', '%C0%AF'],
    ] as const) {
      const res = await http(host.port, path, { headers: auth });
      expect(res.status, path).toBe(400);
      const error = JSON.parse(res.body).error;
      expect(error.code).toBe('invalid_input');
      expect(error.message).toBe(`path segment "${bad}" is not valid percent-encoding`);
    }
    // The same escapes in the query are taken as sent.
    expect((await http(host.port, '/api/health?x=%zz', { headers: auth })).status).toBe(200);
  });

  it('answers a page opened at such an address with the app (400), which says there is no page there', async () => {
    const page = { Accept: 'text/html,application/xhtml+xml' };
    for (const path of ['/plans/%E0%A4%A', '/runs/%zz/tasks/a', '/%C0%AF?tab=x']) {
      const res = await http(host.port, path, { headers: page });
      expect(res.status, path).toBe(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('<title>Baton test UI</title>');
    }
    // The API, /mcp, a script's request and a POST still get the JSON.
    for (const [path, method, headers] of [
      ['/api/rpc/%E0%A4%A', 'GET', page],
      ['/mcp/%zz', 'GET', page],
      ['/plans/%zz', 'GET', {}],
      ['/plans/%zz', 'POST', page],
    ] as const) {
      const res = await http(host.port, path, { method, headers });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe('invalid_input');
    }
    await alive();
  });

  it('refuses a request target that is not a path (400), and never throws on one that is', async () => {
    const bearer = `Authorization: Bearer ${host.token}`;
    const send = (target: string) =>
      raw(
        host.port,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n${bearer}\r\nConnection: close\r\n\r\n`,
      );
    for (const target of ['http://[/api/health', 'http://127.0.0.1:1/api/health', '*']) {
      const r = await send(target);
      expect(r.status, target).toBe(400);
      expect(r.text).toContain('request target must be a path');
    }
    // `new URL()` throws on these (an empty host with a bad port); as paths they are just not found.
    for (const target of ['//a:99999/', '//[/api/health', '/api//..//%2e%2e/x']) {
      const r = await send(target);
      expect(r.status, target).toBeLessThan(500);
      expect(r.text).not.toMatch(STACK_FRAME);
    }
    await alive();
  });

  it('turns a handler’s unexpected error into one log line and a 500 without a stack', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await http(host.port, '/api/broken', { headers: auth });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(log).toHaveBeenCalledTimes(1);
    const line = log.mock.calls[0]![0];
    expect(typeof line).toBe('string');
    expect(line).toMatch(/^browser host: GET \/api\/broken failed: Error: a bug with a second line \(at /);
    expect(line).not.toContain('\n');
    await alive();
  });
});

describe('browser host edge: a socket call whose handler throws', () => {
  it('answers that call with `internal` and keeps the socket and the host', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { host, stop } = await startOnTempDir((_dir, app) => {
      const dispatch: Dispatch = (method, input) => {
        if (method === 'explode') throw new TypeError('not a function');
        return app.dispatch(method, input);
      };
      return { dispatch };
    });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, {
        headers: { Authorization: `Bearer ${host.token}` },
      });
      const replies: unknown[] = [];
      ws.on('message', (d) => replies.push(JSON.parse(String(d))));
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify({ id: 1, method: 'explode', input: {} }));
      ws.send('not json');
      ws.send(JSON.stringify({ id: { nested: true }, method: 'plans.list' }));
      ws.send(JSON.stringify({ id: 2, method: 'plans.list', input: {} }));
      await expect.poll(() => replies.length).toBe(4);
      // Each answer as it is ready, not in the order asked.
      expect(replies).toEqual(
        expect.arrayContaining([
          { id: 1, result: { ok: false, error: { code: 'internal', message: 'internal error' } } },
          { id: null, result: { ok: false, error: expect.objectContaining({ code: 'invalid_input' }) } },
          { id: null, result: { ok: false, error: expect.objectContaining({ code: 'invalid_input' }) } },
          { id: 2, result: { ok: true, value: [] } },
        ]),
      );
      expect(log).toHaveBeenCalledTimes(1);
      expect(log.mock.calls[0]![0]).toMatch(/^browser host: call explode failed: TypeError: not a function/);
      ws.close();
    } finally {
      log.mockRestore();
      await stop();
    }
  });
});

describe('browser host edge: the class of bug', () => {
  it('leaves reading the request target to the edge: no handler decodes or parses req.url itself', () => {
    // decodeURIComponent and new URL(req.url) throw on what a client may send; only
    // request-target.ts calls them, inside a try, and handlers get its parsed target.
    // The host and the HTTP pieces it shares with the trigger route and /mcp (src-main/http/).
    const dirs = [join(import.meta.dirname, '..'), join(import.meta.dirname, '..', '..', 'http')];
    const offenders: string[] = [];
    for (const file of dirs.flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name)),
    )) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.endsWith('request-target.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const pattern of [/decodeURI(Component)?\(/, /new URL\(\s*req\.url/, /\breq\.url\b(?!\s*=)/]) {
        const m = pattern.exec(text.replace(/^\s*(\/\/|\*).*$/gm, ''));
        if (m && !(file.endsWith('edge.ts') && m[0] === 'req.url')) offenders.push(`${file}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
