import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { WorkerToken, WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import { startServe } from '../e2e/serve-process.ts';
import { eventually } from '../kit/engine-kit.ts';
import { http, raw } from '../kit/host-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { alive, buildAgent, killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

const UI_TOKEN = 'the-ui-token-of-the-worker-token-test-0123';

describe('worker tokens (baton serve and baton worker, two processes)', () => {
  let dir: string;
  let port: number;
  let stop: (() => Promise<void>) | null = null;
  const workers: WorkerProcess[] = [];
  const pids: number[] = [];

  const send = (path: string, token: string, method = 'GET', body?: unknown) =>
    http(port, path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        connection: 'close',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const rpc = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await send(`/api/rpc/${method}`, UI_TOKEN, 'POST', input);
    const parsed = JSON.parse(r.body) as { ok: boolean; value: T; error?: { message: string } };
    if (!parsed.ok) throw new Error(parsed.error!.message);
    return parsed.value;
  };
  const errorOf = (body: string) => (JSON.parse(body) as { error: { code: string; message: string } }).error;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-worker-tokens-'));
    mkdirSync(join(dir, 'pids'));
    mkdirSync(join(dir, 'server'));
    process.env.BATON_TOKEN = UI_TOKEN;
    try {
      const s = await startServe(join(dir, 'server'), 0, ['--worker-lease', '2']);
      stop = s.stop;
      port = Number(new URL(s.url).port);
    } finally {
      delete process.env.BATON_TOKEN;
    }
    // baton serve starts in seconds, longer on a loaded machine.
  }, 60_000);
  afterEach(async () => {
    for (const w of workers.splice(0)) await killWorker(w);
    for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await stop?.();
    await removeDir(dir);
  });

  it('opens the worker API only, is stored hashed, and a revoked one stops its worker naming revocation', async () => {
    const created = await rpc<WorkerTokenCreated>('workers.tokens.create', { name: 'lab box' });
    const token = created.secret;
    expect(created.command).toBe(
      `BATON_TOKEN=${token} baton worker --server http://127.0.0.1:${port}/ --agents agents.json`,
    );
    expect(created.token).toMatchObject({ name: 'lab box', last_used_at: null, revoked_at: null });
    // Only a hash is kept: the token is nowhere in the database.
    const db = new Database(join(dir, 'server', 'baton.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM worker_tokens').all();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(JSON.stringify(rows)).not.toContain(token.slice(4));
    } finally {
      db.close();
    }

    // Everything that is not the worker API is refused to it, saying why; the UI token opens it all.
    const refusedTo = [
      ['POST', '/api/rpc/runs.list', {}],
      ['POST', '/api/rpc/workers.tokens.list', {}],
      ['GET', '/api/health'],
      ['GET', '/api/openapi.json'],
      ['GET', '/api/v1/workers'],
      ['GET', '/api/v1/tasks/nope'],
      ['GET', '/api/modules/memory/read?memory_id=x'],
      ['POST', '/mcp', {}],
    ] as const;
    for (const [method, path, body] of refusedTo) {
      const r = await send(path, token, method, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(errorOf(r.body).message).toContain('a worker token opens only the worker API');
      const ui = await send(path, UI_TOKEN, method, body);
      expect(ui.status, `${method} ${path} with the UI token`).not.toBe(403);
      expect(ui.status).not.toBe(401);
    }
    const ws = await raw(
      port,
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: baton\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    expect(ws.status).toBe(403);
    expect(ws.text).toContain('a worker token opens only the worker API');
    // The pull routes of an agent that is not a worker's (one of this Baton's own) are refused too.
    await rpc('agents.save', { id: 'local', kind: 'echo', skills: ['x'] });
    const local = await send('/api/v1/agents/local/next-task', token);
    expect(local.status).toBe(403);
    expect(errorOf(local.body).message).toContain('local is not one');
    // The Host allow-list (the DNS-rebinding guard) holds for worker tokens too.
    const rebound = await http(port, '/api/v1/workers/w/heartbeat', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, host: 'evil.example', 'content-type': 'application/json' },
      body: '{"held":[]}',
    });
    expect(rebound.status).toBe(403);
    expect(errorOf(rebound.body).message).toBe('Host header not allowed');
    // A token that is no worker token is still plainly unauthorized.
    expect((await send('/api/v1/workers/w/heartbeat', 'bwk_not-a-token', 'POST', { held: [] })).status).toBe(
      401,
    );

    // A worker with the token does its work: registers, pulls, reports and completes.
    const w = startWorker(`http://127.0.0.1:${port}/`, token, 'lab', [buildAgent('builder')], dir);
    workers.push(w);
    await rpc('plans.import', {
      plan: {
        plan_id: 'remote',
        tasks: [
          {
            task_id: 'quick',
            description: 'Done at once',
            required_skills: ['remote_build'],
          },
        ],
      },
    });
    await eventually(
      async () => (await rpc<{ id: string }[]>('agents.list', {})).some((a) => a.id === 'builder'),
      20_000,
      'the worker to register',
    );
    const first = await rpc<{ run_id: string }>('runs.start', { plan_id: 'remote' });
    await eventually(
      async () => (await rpc<RunDetail>('runs.get', { run_id: first.run_id })).status !== 'executing',
      30_000,
      'the first run to end',
    );
    expect((await rpc<RunDetail>('runs.get', { run_id: first.run_id })).status).toBe('completed');
    // The work signal (a WebSocket) opens to the worker token too, and to no unknown token.
    expect(w.stderr()).toContain('listening for work over the WebSocket');
    const upgrade = (bearer: string) =>
      raw(
        port,
        `GET /api/v1/workers/signal HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer ${bearer}\r\n\r\n`,
      );
    expect((await upgrade('bwk_not-a-token')).status).toBe(401);
    const [listed] = await rpc<WorkerToken[]>('workers.tokens.list', {});
    expect(listed!.last_used_at).not.toBeNull();

    // A task held when the token is revoked: the worker stops, saying so, and kills its agent.
    await rpc('plans.import', {
      plan: {
        plan_id: 'held',
        tasks: [
          {
            task_id: 'slow',
            description: 'Held a minute',
            required_skills: ['remote_build'],
            inputs: { pid_dir: join(dir, 'pids'), first_attempt_ms: 60_000 },
          },
        ],
      },
    });
    const second = await rpc<{ run_id: string }>('runs.start', { plan_id: 'held' });
    const pidFile = join(dir, 'pids', 'slow-1.pid');
    await eventually(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 20_000, 'the agent');
    const agentPid = Number(readFileSync(pidFile, 'utf8'));
    pids.push(agentPid);
    expect(await rpc('workers.tokens.revoke', { token_id: created.token.id })).toEqual({ revoked: true });
    const revoked = await send('/api/v1/workers/lab/heartbeat', token, 'POST', { held: [] });
    expect(revoked.status).toBe(401);
    expect(errorOf(revoked.body)).toMatchObject({ code: 'token_revoked' });
    expect(errorOf(revoked.body).message).toContain('worker token "lab box"');
    expect(await w.exited).toBe(1);
    const refusedSignal = await upgrade(token);
    expect(refusedSignal.status).toBe(401);
    expect(refusedSignal.text).toContain('token_revoked');
    expect(w.stderr()).toContain("the server revoked this worker's token");
    await eventually(() => !alive(agentPid), 10_000, 'the agent to be stopped');
    // The server queues the task again once the worker's lease lapses (the worker could not give it back).
    await eventually(
      async () => (await rpc<RunDetail>('runs.get', { run_id: second.run_id })).tasks[0]!.status === 'ready',
      20_000,
      'the task to be queued again',
    );
    expect((await rpc<WorkerToken[]>('workers.tokens.list', {}))[0]!.revoked_at).not.toBeNull();
    // The UI token works as before.
    expect((await send('/api/health', UI_TOKEN)).status).toBe(200);
  }, 120_000);

  it('speaks for one worker: claimed by the first registration (or named when made), 403 as any other', async () => {
    const agent = (id: string) => ({ id, kind: 'echo', skills: ['x'] });
    const unbound = await rpc<WorkerTokenCreated>('workers.tokens.create', { name: 'lab box' });
    const named = await rpc<WorkerTokenCreated>('workers.tokens.create', {
      name: 'build box',
      worker_id: 'build',
    });
    expect(named.token.worker_id).toBe('build');
    expect(named.command).toContain('--id build');
    // Before registering, an unbound token acts as no worker.
    const early = await send('/api/v1/workers/lab/heartbeat', unbound.secret, 'POST', { held: [] });
    expect(early.status).toBe(403);
    expect(errorOf(early.body).message).toContain('is not bound to a worker yet');
    // The first registration claims it for its worker.
    const reg = await send('/api/v1/workers/lab/register', unbound.secret, 'POST', {
      agents: [agent('lab-a')],
    });
    expect(reg.status).toBe(200);
    const ok = await send('/api/v1/workers/lab/heartbeat', unbound.secret, 'POST', { held: [] });
    expect(ok.status).toBe(200);
    // As another worker id: refused, naming both workers; nothing registered.
    for (const path of [
      '/api/v1/workers/thief/register',
      '/api/v1/workers/build/heartbeat',
      '/api/v1/workers/build/leave',
    ]) {
      const r = await send(path, unbound.secret, 'POST', { agents: [agent('stolen')], held: [] });
      expect(r.status, path).toBe(403);
      expect(errorOf(r.body).message, path).toContain('worker token "lab box" is bound to worker "lab"');
    }
    const r = await send('/api/v1/workers/lab/register', named.secret, 'POST', { agents: [agent('x-a')] });
    expect(r.status).toBe(403);
    expect(errorOf(r.body).message).toContain(
      'worker token "build box" is bound to worker "build"; it cannot act as worker "lab"',
    );
    // The pull routes of another worker's agent are refused too; its own worker's open.
    expect(
      (await send('/api/v1/workers/build/register', named.secret, 'POST', { agents: [agent('b-a')] })).status,
    ).toBe(200);
    const theirs = await send('/api/v1/agents/lab-a/next-task', named.secret);
    expect(theirs.status).toBe(403);
    expect(errorOf(theirs.body).message).toContain('cannot act as worker "lab"');
    expect((await send('/api/v1/agents/b-a/next-task', named.secret)).status).toBe(200);
    const ids = (await rpc<{ id: string }[]>('agents.list', {})).map((a) => a.id);
    expect(ids).not.toContain('stolen');
    expect(ids).not.toContain('x-a');
    // Settings lists which worker each token speaks for.
    const listed = await rpc<WorkerToken[]>('workers.tokens.list', {});
    expect(listed.map((t) => [t.name, t.worker_id])).toEqual([
      ['lab box', 'lab'],
      ['build box', 'build'],
    ]);
  }, 60_000);
});
