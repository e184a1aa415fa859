import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { createCallClient } from '../../src-main/app/memory-transport.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { WORKER_SOCKET_PATH } from '../../src-main/host/browser/worker-socket.ts';
import type { CallbackHost } from '../../src-main/host/rest/callback-host.ts';
import { startCallbackHost } from '../../src-main/host/rest/callback-host.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import { routes } from '../../src-main/host/rest/routes.ts';
import { createMcpEndpoint } from '../../src-main/mcp/http.ts';
import { call } from '../kit/engine-kit.ts';
import { http, tryUpgrade } from '../kit/host-kit.ts';

/**
 * The Host allow-list (DNS rebinding) comes first, for every request the hosts serve: each route
 * family, with the credentials that would open it, is refused with 403 under a Host name the
 * host does not answer to, before its own authentication (agents' callbacks, triggers and /mcp
 * too). Under the callback URL's name (a tunnel) only callbacks and triggers answer. Under the
 * host's own name each row reaches its route (the control: whatever it answers, not this 403).
 */

const FOREIGN = 'evil.example';
const TUNNEL = 'tunnel.example.net';
const HOST_REFUSED = 'Host header not allowed';

interface Row {
  family: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Reached under the callback URL's name too (a route other programs call with their own secret). */
  public?: true;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const json = { 'Content-Type': 'application/json' };
const mcpHeaders = { ...json, Accept: 'application/json, text/event-stream' };
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '0' } },
});

/** Sends a row under `hostName`: its status, and whether it was the Host refusal. */
async function send(port: number, row: Row, hostName: string) {
  const res = await http(port, row.path, {
    method: row.method,
    headers: { ...row.headers, Host: `${hostName}:${port}` },
    ...(row.body !== undefined ? { body: row.body } : {}),
  });
  let message: unknown;
  try {
    message = (JSON.parse(res.body) as { error?: { message?: unknown } }).error?.message;
  } catch {
    message = undefined;
  }
  // A person's browser loading a page is told in HTML (refusals.ts), everything else in JSON.
  const refusal = message === HOST_REFUSED || res.body.includes('Baton does not answer at this address');
  return { status: res.status, refusedHost: res.status === 403 && refusal };
}

/** Every row under a foreign name and the tunnel's, then (the control) under the host's own. */
async function checkRows(port: number, rows: Row[]) {
  for (const row of rows) {
    const what = `${row.family}: ${row.method} ${row.path}`;
    expect(await send(port, row, FOREIGN), `${what} as ${FOREIGN}`).toEqual({
      status: 403,
      refusedHost: true,
    });
    const tunnel = await send(port, row, TUNNEL);
    expect(tunnel.refusedHost, `${what} as ${TUNNEL}`).toBe(!row.public);
    expect((await send(port, row, '127.0.0.1')).refusedHost, `${what} as 127.0.0.1`).toBe(false);
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An app on a fresh data directory with a plan, a trigger for it, and a worker token. */
async function appWithCredentials() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-host-allow-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'ui'));
  writeFileSync(join(dir, 'ui', 'index.html'), '<!doctype html><title>Baton test UI</title>');
  const app = createApp({ dataDir: dir, log: () => {} });
  await call(app, 'plans.import', {
    plan: { plan_id: 'nightly', tasks: [{ task_id: 'build', description: 'Build it' }] },
  });
  const trigger = await call<{ secret: string }>(app, 'triggers.add', { id: 'nightly', plan_id: 'nightly' });
  const worker = await call<{ secret: string }>(app, 'workers.tokens.create', { name: 'box' });
  return { app, ui: join(dir, 'ui'), triggerSecret: trigger.secret, workerSecret: worker.secret };
}

describe('the browser host: the Host check before every route', () => {
  let app: BatonApp;
  let host: BrowserHost;
  let rows: Row[];
  let workerSecret: string;

  beforeAll(async () => {
    const made = await appWithCredentials();
    app = made.app;
    workerSecret = made.workerSecret;
    // Composed as `baton serve` composes it (src-main/cli/commands/serve.ts), behind a tunnel.
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir: made.ui,
      routes: createRestHandler(app.dispatch, { workerAgent: (id) => app.store.agents.get(id)?.worker }),
      workerTokens: app.workerTokens,
      workerSignal: app.workerPresence,
      mcp: createMcpEndpoint(createCallClient(app.dispatch), { version: 'test', log: () => {} }),
      mcpLinks: app.mcpLinks,
      agentCallbacks: app.agentCallbacks,
      triggers: app.reach.triggerRoute,
      callbackUrl: `https://${TUNNEL}/`,
    });
    const slot = app.agentCallbacks.open()!;
    const link = app.mcpLinks.open({ run_id: 'r', task_id: 't', attempt: 1 })!;
    const launch = bearer(host.token);
    rows = [
      { family: 'the UI', method: 'GET', path: '/', headers: {} },
      { family: 'a UI file', method: 'GET', path: '/assets/index.js', headers: {} },
      { family: 'a page of the UI', method: 'GET', path: '/runs/r1', headers: { Accept: 'text/html' } },
      { family: 'the API', method: 'GET', path: '/api/health', headers: launch },
      { family: 'the API', method: 'GET', path: '/api/nope', headers: launch },
      {
        family: 'the contract',
        method: 'POST',
        path: '/api/rpc/plans.list',
        headers: { ...launch, ...json },
        body: '{}',
      },
      { family: 'OpenAPI', method: 'GET', path: '/api/openapi.json', headers: launch },
      // Every REST route, with the token that opens it (a worker token for the worker API).
      ...routes.map(
        (r): Row => ({
          family: 'REST',
          method: r.method,
          path: r.path.replace(/:\w+/g, 'x'),
          headers: { ...bearer(r.worker ? workerSecret : host.token), ...json },
          ...(r.method === 'POST' ? { body: '{}' } : {}),
        }),
      ),
      {
        family: 'a trigger',
        method: 'POST',
        path: '/api/triggers/nightly',
        headers: { ...bearer(made.triggerSecret), ...json },
        body: '{}',
        public: true,
      },
      {
        family: 'an agent callback',
        method: 'POST',
        path: new URL(slot.url).pathname,
        headers: { ...bearer(slot.token), ...json },
        body: JSON.stringify({ status: 'running', progress: 10 }),
        public: true,
      },
      {
        family: '/mcp',
        method: 'POST',
        path: '/mcp',
        headers: { ...launch, ...mcpHeaders },
        body: INITIALIZE,
      },
      {
        family: '/mcp (attempt link)',
        method: 'POST',
        path: '/mcp',
        headers: { ...bearer(link.token), ...mcpHeaders },
        body: INITIALIZE,
      },
    ];
  });
  afterAll(async () => {
    await host?.close();
    await app?.close();
  });

  it('refuses every route family under a foreign Host with 403, and under the tunnel’s name all but callbacks and triggers', async () => {
    expect(rows.filter((r) => r.family === 'REST').length).toBe(routes.length);
    await checkRows(host.port, rows);
  });

  it('refuses every WebSocket upgrade under a foreign Host or the tunnel’s name with 403', async () => {
    for (const [path, token] of [
      ['/ws', host.token],
      [WORKER_SOCKET_PATH, workerSecret],
    ] as const) {
      for (const name of [FOREIGN, TUNNEL])
        expect(
          await tryUpgrade(host.port, { ...bearer(token), Host: name }, { path }),
          `${path} as ${name}`,
        ).toBe(403);
      expect(await tryUpgrade(host.port, bearer(token), { path }), path).toBe('open');
    }
  });
});

describe('the desktop app’s callback host: the Host check before every route', () => {
  it('refuses callbacks, triggers and /mcp under a foreign Host with 403; the tunnel’s name reaches callbacks and triggers only', async () => {
    const made = await appWithCredentials();
    const app = made.app;
    let host: CallbackHost | undefined;
    try {
      host = await startCallbackHost(app.agentCallbacks, {
        triggers: app.reach.triggerRoute,
        callbackUrl: `https://${TUNNEL}/`,
        mcp: {
          endpoint: createMcpEndpoint(createCallClient(app.dispatch), { version: 'test', log: () => {} }),
          links: app.mcpLinks,
        },
      });
      const port = Number(new URL(host.url).port);
      const slot = app.agentCallbacks.open()!;
      const link = app.mcpLinks.open({ run_id: 'r', task_id: 't', attempt: 1 })!;
      await checkRows(port, [
        {
          family: 'an agent callback',
          method: 'POST',
          path: new URL(slot.url).pathname,
          headers: { ...bearer(slot.token), ...json },
          body: JSON.stringify({ status: 'running', progress: 10 }),
          public: true,
        },
        {
          family: 'a trigger',
          method: 'POST',
          path: '/api/triggers/nightly',
          headers: { ...bearer(made.triggerSecret), ...json },
          body: '{}',
          public: true,
        },
        {
          family: '/mcp (attempt link)',
          method: 'POST',
          path: '/mcp',
          headers: { ...bearer(link.token), ...mcpHeaders },
          body: INITIALIZE,
        },
        { family: 'anything else', method: 'GET', path: '/api/health', headers: {} },
        { family: 'anything else', method: 'GET', path: '/', headers: {} },
      ]);
    } finally {
      await host?.close();
      await app.close();
    }
  });
});
