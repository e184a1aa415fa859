import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import { routes } from '../../src-main/host/rest/routes.ts';
import type { WorkerView } from '../../src-shared/contract/domains/workers.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { WorkerToken, WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { http } from '../kit/host-kit.ts';

/**
 * A worker id bound to a live worker token answers to that token only: every route of the
 * worker API (taken from the route table, so a new one is covered too) refuses any other token,
 * an unbound one included, and no other token takes its agents over. Real HTTP against the
 * browser host, as `baton serve` wires it.
 */
describe('a worker bound to a live token is that token alone', () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  let port: number;

  const start = async (workerLeaseMs?: number) => {
    dir = mkdtempSync(join(tmpdir(), 'baton-worker-binding-'));
    app = createApp({ dataDir: dir, log: () => {}, ...(workerLeaseMs ? { workerLeaseMs } : {}) });
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir: dir,
      routes: createRestHandler(app.dispatch, { workerAgent: (id) => app.store.agents.get(id)?.worker }),
      workerTokens: app.workerTokens,
      workerSignal: app.workerPresence,
    });
    port = Number(new URL(host.url).port);
  };
  afterEach(async () => {
    await host?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const token = (name: string, worker_id?: string) =>
    call<WorkerTokenCreated>(app, 'workers.tokens.create', { name, ...(worker_id ? { worker_id } : {}) });
  const send = (method: string, path: string, bearer: string, body?: unknown) =>
    http(port, path, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        connection: 'close',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const messageOf = (body: string) => (JSON.parse(body) as { error?: { message?: string } }).error?.message;
  const agent = (id: string) => ({ id, kind: 'echo', skills: ['x'] });
  const register = (worker: string, bearer: string, agents: string[]) =>
    send('POST', `/api/v1/workers/${worker}/register`, bearer, { agents: agents.map(agent) });

  /** What each worker route is sent (by how its path ends): enough for the owner's call to do its work. */
  const BODIES: [RegExp, unknown][] = [
    [/\/register$/, { agents: [agent('b1')] }],
    [/\/(heartbeat|leave)$/, { held: [] }],
    [/\/events$/, { attempt: 1, events: [] }],
    [/\/progress$/, { progress: 50, attempt: 1 }],
    [/\/complete$/, { status: 'completed', attempt: 1, output: { by: 'the owner' } }],
    [/\/(tool-calls|merge-conflicts)(\/:approval_id\/wait)?$/, { attempt: 1 }],
    [/\/sandbox-hosts$/, { attempt: 1, scope: 'agent:b1', scope_label: 'agent b1', host: '127.0.0.1:9' }],
  ];
  /** Every route a worker token opens, with worker wB, its agent b1 and b1's task filled in. */
  const workerRoutes = (run: string) =>
    routes
      .filter((r) => r.worker !== undefined)
      .map((r) => ({
        method: r.method,
        path: r.path
          .replace(':worker_id', 'wB')
          .replace(':agent_id', 'b1')
          .replace(':run_id', run)
          .replace(':task_id', 't')
          .replace(':approval_id', 'apr-none'),
        body: r.method === 'POST' ? (BODIES.find(([p]) => p.test(r.path))?.[1] ?? {}) : undefined,
      }));

  it('refuses any other token on every worker route, and lets its own token do the work', async () => {
    await start();
    const a = await token('a box');
    const u = await token('u box');
    const c = await token('c box', 'wC');
    // Token A claims worker wB by registering it with agent b1; b1 has a task pinned to it.
    expect((await register('wB', a.secret, ['b1'])).status).toBe(200);
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'p',
        tasks: [{ task_id: 't', description: 'sign it', required_skills: ['x'], agent: 'b1' }],
      },
    });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
    const table = workerRoutes(run_id);
    expect(table.length).toBeGreaterThanOrEqual(13);

    // An unbound token cannot claim wB: 403 naming the worker and that another token has it.
    const claim = await register('wB', u.secret, ['b1']);
    expect(claim.status).toBe(403);
    expect(messageOf(claim.body)).toBe(
      'worker "wB" is bound to another worker token; worker token "u box" cannot act as it (use that worker\'s token, or revoke it first)',
    );
    for (const r of table) {
      // Unbound, or bound to another worker: refused on every route, saying why.
      const unbound = await send(r.method, r.path, u.secret, r.body);
      expect(unbound.status, `${r.method} ${r.path} with an unbound token`).toBe(403);
      expect(messageOf(unbound.body)).toContain('worker "wB" is bound to another worker token');
      const other = await send(r.method, r.path, c.secret, r.body);
      expect(other.status, `${r.method} ${r.path} with wC's token`).toBe(403);
      expect(messageOf(other.body)).toContain('is bound to worker "wC"; it cannot act as worker "wB"');
    }
    // Nor is b1 taken over by registering it under another worker, alive or not.
    const takeover = await register('wC', c.secret, ['b1']);
    expect(takeover.status).toBe(403);
    expect(messageOf(takeover.body)).toContain(
      'agent "b1" belongs to worker "wB", which is bound to another worker token',
    );
    const claimedElsewhere = await register('wU', u.secret, ['b1']);
    expect(claimedElsewhere.status).toBe(403);
    // A person cannot make wB a second token either (its form names the field).
    const second = await app.dispatch('workers.tokens.create', { name: 'b again', worker_id: 'wB' });
    expect(second).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(second)).toContain(
      'worker_id: worker \\"wB\\" already has a live token (\\"a box\\")',
    );

    // Nothing of that touched b1's task or the tokens: one token speaks for wB, U for none.
    const before = await call<RunDetail>(app, 'runs.get', { run_id });
    expect(before.tasks[0]).toMatchObject({ status: 'ready', attempt: 0 });
    expect(app.store.agents.get('b1')?.worker).toBe('wB');
    const listed = await call<WorkerToken[]>(app, 'workers.tokens.list', {});
    expect(listed.map((t) => [t.name, t.worker_id])).toEqual([
      ['a box', 'wB'],
      ['u box', null],
      ['c box', 'wC'],
    ]);

    // wB's own token opens every one of those routes, and completes b1's task.
    for (const r of table) {
      const own = await send(r.method, r.path, a.secret, r.body);
      expect([401, 403], `${r.method} ${r.path} with wB's token: ${own.body}`).not.toContain(own.status);
    }
    const after = await call<RunDetail>(app, 'runs.get', { run_id });
    expect(after.tasks[0]).toMatchObject({ status: 'done', output: { by: 'the owner' } });

    // Revoked, A lets wB go: the next token may claim it.
    await call(app, 'workers.tokens.revoke', { token_id: a.token.id });
    expect((await register('wB', u.secret, ['b1'])).status).toBe(200);
  });

  it('the work signal names a worker its token may act as, and its claims and close act as that worker only', async () => {
    await start(600_000);
    const a = await token('a box', 'wB');
    const c = await token('c box', 'wC');
    expect((await register('wB', a.secret, ['b1'])).status).toBe(200);
    expect((await register('wC', c.secret, ['c1'])).status).toBe(200);
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'p',
        tasks: [
          { task_id: 't', description: 'sign it', required_skills: ['x'], agent: 'b1' },
          { task_id: 'u', description: 'file it', required_skills: ['x'], agent: 'c1' },
        ],
      },
    });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
    const status = async (task: string) =>
      (await call<RunDetail>(app, 'runs.get', { run_id })).tasks.find((t) => t.task_id === task)!;
    const socket = (worker: string, bearer: string) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/workers/signal?worker=${worker}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      return new Promise<{ ws: WebSocket; refused: string | null }>((resolve) => {
        ws.once('open', () => resolve({ ws, refused: null }));
        ws.once('unexpected-response', (_req, res) => resolve({ ws, refused: String(res.statusCode) }));
      });
    };
    /** A claim over the socket, and the server's answer. */
    const claimOver = (ws: WebSocket, claim: unknown) =>
      new Promise<{
        ok: boolean;
        status?: number;
        value?: { tasks: unknown[] };
        error?: { message: string };
      }>((resolve) => {
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data)) as { id?: number };
          if (msg.id === 1) resolve(msg as never);
        });
        ws.send(JSON.stringify({ id: 1, claim }));
      });
    // wC's token naming wB: refused before the socket opens; its own worker: open.
    expect((await socket('wB', c.secret)).refused).toBe('403');
    const own = await socket('wC', c.secret);
    expect(own.refused).toBeNull();
    // A claim over wC's socket acts as wC whatever it names: b1 is not wC's agent.
    const asB = await claimOver(own.ws, { worker_id: 'wB', slots: { b1: 1 } });
    expect(asB).toMatchObject({ ok: false, status: 409 });
    expect(asB.error?.message).toBe("Agent b1 is not an agent of worker wC (it is worker wB's)");
    // Each worker's own socket takes its agent's task; wC's clean close gives back wC's alone.
    own.ws.removeAllListeners('message');
    expect((await claimOver(own.ws, { slots: { c1: 1 } })).value?.tasks).toHaveLength(1);
    const b = await socket('wB', a.secret);
    expect((await claimOver(b.ws, { slots: { b1: 1 } })).value?.tasks).toHaveLength(1);
    own.ws.close(1000);
    await eventually(
      async () => (await status('u')).status === 'ready',
      10_000,
      "wC's task to be queued again",
    );
    expect(await status('t')).toMatchObject({ status: 'in_progress', agent_id: 'b1' });
    // Its token revoked, wB's next claim over the socket is refused as over HTTP.
    await call(app, 'workers.tokens.revoke', { token_id: a.token.id });
    b.ws.removeAllListeners('message');
    const revoked = await claimOver(b.ws, { slots: { b1: 1 } });
    expect(revoked).toMatchObject({ ok: false, status: 401, error: { code: 'token_revoked' } });
    b.ws.terminate();
  });

  it("a lapsed worker's agents stay its token's; with that token revoked, another worker may take them", async () => {
    await start(300);
    const a = await token('a box', 'wB');
    const c = await token('c box', 'wC');
    expect((await register('wB', a.secret, ['b1'])).status).toBe(200);
    await eventually(
      async () => !(await call<WorkerView[]>(app, 'workers.list', {})).find((w) => w.id === 'wB')?.alive,
      10_000,
      "wB's lease to lapse",
    );
    const takeover = await register('wC', c.secret, ['b1']);
    expect(takeover.status).toBe(403);
    expect(app.store.agents.get('b1')?.worker).toBe('wB');
    await call(app, 'workers.tokens.revoke', { token_id: a.token.id });
    expect((await register('wC', c.secret, ['b1'])).status).toBe(200);
    expect(app.store.agents.get('b1')?.worker).toBe('wC');
  });

  it("a worker's agent made into a person is no longer the worker's: its token cannot take that person's task", async () => {
    await start();
    const a = await token('a box', 'wB');
    expect((await register('wB', a.secret, ['b1'])).status).toBe(200);
    // A person edits b1 into a human agent (the form sends no worker): the worker stays behind.
    await call(app, 'agents.save', { id: 'b1', name: 'Bea', kind: 'human', skills: ['x'] });
    expect(app.store.agents.get('b1')?.worker).toBeUndefined();
    // Nor can a human agent be imported or saved with a worker.
    const imported = await app.dispatch('agents.import', {
      agents: [{ id: 'b2', kind: 'human', skills: ['x'], worker: 'wB' }],
    });
    expect(imported).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(imported)).toContain(
      'agents[0].worker: a human agent is a person: no worker runs it',
    );
    expect(app.store.agents.get('b2')).toBeUndefined();

    await call(app, 'plans.import', {
      plan: {
        plan_id: 'p',
        tasks: [{ task_id: 't', description: 'sign off the release', required_skills: ['x'], agent: 'b1' }],
      },
    });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
    for (const r of workerRoutes(run_id).filter((r) => r.path.includes('/agents/b1/'))) {
      const res = await send(r.method, r.path, a.secret, r.body);
      expect(res.status, `${r.method} ${r.path} with wB's token`).toBe(403);
    }
    const run = await call<RunDetail>(app, 'runs.get', { run_id });
    expect(run.tasks[0]).toMatchObject({ status: 'ready', attempt: 0 });
  });
});
