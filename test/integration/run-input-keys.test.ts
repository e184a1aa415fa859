import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { createCallClient } from '../../src-main/app/memory-transport.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import { createMcpEndpoint } from '../../src-main/mcp/http.ts';
import type { TriggerCreated } from '../../src-shared/schemas/trigger.ts';
import { call } from '../kit/engine-kit.ts';
import { http } from '../kit/host-kit.ts';

const TOKEN = 'run-input-keys-test-token-0123456789abcdef';

/**
 * Keys an object's prototype machinery knows (`__proto__`, `constructor`, `prototype`), sent as
 * raw JSON text (JSON.parse keeps `__proto__` as an own key) wherever run inputs are checked
 * against a plan's `run_inputs`: each is refused as any input the plan does not declare, naming
 * it, and nothing starts.
 */
describe('run inputs named like prototype keys', () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  let port: number;
  let trigger: TriggerCreated;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-input-keys-'));
    app = createApp({ dataDir: dir, log: () => {} });
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir: dir,
      token: TOKEN,
      routes: createRestHandler(app.dispatch),
      mcp: createMcpEndpoint(createCallClient(app.dispatch), { version: 'test', log: () => {} }),
      triggers: app.reach.triggerRoute,
    });
    port = Number(new URL(host.url).port);
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'deploy',
        run_inputs: { env: { type: 'string', required: true } },
        tasks: [{ task_id: 'ship', description: 'ship it', required_skills: ['x'] }],
      },
    });
    trigger = await call<TriggerCreated>(app, 'triggers.add', { id: 'hook', plan_id: 'deploy' });
  });
  afterAll(async () => {
    await host?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: string, bearer = TOKEN, headers: Record<string, string> = {}) =>
    http(port, path, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...headers },
      body,
    });
  const runs = async () => (await call<unknown[]>(app, 'runs.list', {})).length;

  /** The inputs objects, as JSON text: a good one plus each odd key. */
  const KEYS = [
    ['__proto__', '{"env":"prod","__proto__":{"env":"staging","admin":true}}'],
    ['__proto__', '{"env":"prod","__proto__":1}'],
    ['constructor', '{"env":"prod","constructor":"x"}'],
    ['prototype', '{"env":"prod","prototype":{"a":1}}'],
  ] as const;

  /** Where run inputs come in: each answers 400 (or an MCP tool error) whose message names the key. */
  const PLACES: [string, (inputs: string) => Promise<{ status: number; text: string }>][] = [
    [
      'runs.start over /api/rpc',
      async (inputs) => {
        const r = await post('/api/rpc/runs.start', `{"plan_id":"deploy","inputs":${inputs}}`);
        return { status: r.status, text: r.body };
      },
    ],
    [
      'triggers.add over /api/rpc',
      async (inputs) => {
        const r = await post('/api/rpc/triggers.add', `{"plan_id":"deploy","inputs":${inputs}}`);
        return { status: r.status, text: r.body };
      },
    ],
    [
      'schedules.add over /api/rpc',
      async (inputs) => {
        const r = await post(
          '/api/rpc/schedules.add',
          `{"plan_id":"deploy","cron":"0 3 * * *","inputs":${inputs}}`,
        );
        return { status: r.status, text: r.body };
      },
    ],
    [
      "a trigger's call",
      async (inputs) => {
        const r = await post(`/api/triggers/${trigger.trigger.id}`, `{"inputs":${inputs}}`, trigger.secret);
        return { status: r.status, text: r.body };
      },
    ],
    [
      'the MCP tool start_run',
      async (inputs) => {
        const r = await post(
          '/mcp',
          `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"start_run","arguments":{"plan_id":"deploy","inputs":${inputs}}}}`,
          TOKEN,
          { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
        );
        // A tool's refusal is a result with isError (the JSON-RPC call itself succeeds).
        const isError = /"isError":\s*true/.test(r.body);
        return { status: r.status === 200 && isError ? 400 : r.status, text: r.body };
      },
    ],
  ];

  for (const [place, send] of PLACES) {
    it(`${place}: refused, naming the key`, async () => {
      const before = await runs();
      for (const [key, inputs] of KEYS) {
        const r = await send(inputs);
        expect(r.status, `${place} with ${inputs}`).toBe(400);
        expect(r.text, `${place} with ${inputs}`).toContain(`inputs.${key}`);
      }
      expect(await runs()).toBe(before);
      // The same inputs without the odd key are taken.
      expect((await send('{"env":"prod"}')).status).toBeLessThan(300);
    });
  }

  it('a plan cannot declare an input named __proto__; constructor and prototype are names like any other', async () => {
    const r = await post(
      '/api/rpc/plans.import',
      '{"plan":{"plan_id":"odd","run_inputs":{"__proto__":{"type":"string"}},"tasks":[{"task_id":"a","description":"a","required_skills":["x"]}]}}',
    );
    expect(r.status).toBe(400);
    expect(r.body).toContain('run_inputs.__proto__');
    const ok = await post(
      '/api/rpc/plans.import',
      '{"plan":{"plan_id":"named","run_inputs":{"constructor":{"type":"string","required":true}},"tasks":[{"task_id":"a","description":"a","required_skills":["x"]}]}}',
    );
    expect(ok.status).toBe(200);
    const missing = await post('/api/rpc/runs.start', '{"plan_id":"named"}');
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('inputs.constructor: is required');
    const started = await post('/api/rpc/runs.start', '{"plan_id":"named","inputs":{"constructor":"c"}}');
    expect(started.status).toBe(200);
  });
});
