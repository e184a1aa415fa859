import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Dispatch } from '../../src-main/app/dispatch.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { ClaimedTask, ResultAnswer, WorkerView } from '../../src-shared/contract/domains/workers.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

const TOKEN = 'remote-worker-claims-test-token-0123456789';
/** Holds its attempt until the test opens the gate (gate-agent.mjs). */
const GATE = join(import.meta.dirname, '..', 'kit', 'gate-agent.mjs');

/** A command agent that holds its tasks until the gate opens. Unsandboxed: its markers go to the test's folder. */
const gated = (id: string, max_concurrency: number) => ({
  id,
  kind: 'command',
  skills: ['gated'],
  command: process.execPath,
  args: [GATE],
  sandbox: { mode: 'off' },
  max_concurrency,
});

describe('baton worker claims', () => {
  let dir: string;
  let gate: string;
  let app: BatonApp;
  let host: BrowserHost;
  const workers: WorkerProcess[] = [];
  /** Every answer the server gave a worker (its REST routes, its claims over the socket): what and whether it refused. */
  const answers: { what: string; refused: string | null }[] = [];

  const serve = async (workerLeaseMs?: number) => {
    dir = mkdtempSync(join(tmpdir(), 'baton-worker-claims-'));
    gate = join(dir, 'gate');
    mkdirSync(gate);
    app = createApp({ dataDir: dir, log: () => {}, ...(workerLeaseMs ? { workerLeaseMs } : {}) });
    const dispatch: Dispatch = async (method, input) => {
      const result = await app.dispatch(method, input);
      answers.push({ what: method, refused: result.ok ? null : result.error.code });
      return result;
    };
    const rest = createRestHandler(dispatch, { workerAgent: (id) => app.store.agents.get(id)?.worker });
    host = await startBrowserHost({
      dispatch,
      bus: app.bus,
      rendererDir: dir,
      token: TOKEN,
      workerTokens: app.workerTokens,
      workerSignal: app.workerPresence,
      routes: async (req, res, ctx) => {
        const handled = await rest(req, res, ctx);
        if (res.statusCode >= 400) answers.push({ what: ctx.target.path, refused: String(res.statusCode) });
        return handled;
      },
    });
  };
  const worker = async (id: string, agents: unknown[], extra: string[] = []) => {
    const w = startWorker(host.url, TOKEN, id, agents, dir, extra);
    workers.push(w);
    await eventually(
      () => w.stderr().includes('listening for work over the WebSocket'),
      30_000,
      `worker ${id} to listen`,
    );
    return w;
  };
  const startRun = async (n: number) => {
    const tasks = Array.from({ length: n }, (_, i) => ({
      task_id: `t${i}`,
      description: `Task ${i}`,
      required_skills: ['gated'],
      inputs: { dir: gate },
    }));
    await call(app, 'plans.import', { plan: { plan_id: 'claims', tasks } });
    const { run } = await call<{ run: RunDetail }>(app, 'runs.start', { plan_id: 'claims' });
    return run.id;
  };
  const run = (id: string) => call<RunDetail>(app, 'runs.get', { run_id: id });
  /** The attempts started so far, as `<task>-<attempt>-<agent>`. */
  const started = () =>
    readdirSync(gate)
      .filter((f) => f.endsWith('.started'))
      .map((f) => f.slice(0, -'.started'.length));
  const open = () => writeFileSync(join(gate, 'open'), '');
  const ended = (id: string) =>
    eventually(async () => (await run(id)).status !== 'executing', 60_000, 'the run to end');
  const attemptsOf = async (id: string, task: string) =>
    (await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: id, task_id: task })).map((a) => [
      a.attempt,
      a.agent_id,
      a.outcome,
    ]);

  afterEach(async () => {
    for (const w of workers.splice(0)) await killWorker(w);
    answers.length = 0;
    await host.close();
    await app.close();
    await removeDir(dir);
  });

  it('hands three workers claiming at once different tasks, every slot of each used: no loser, no task twice', async () => {
    await serve();
    const ws = [
      await worker('wa', [gated('agent-a', 8)]),
      await worker('wb', [gated('agent-b', 8)]),
      await worker('wc', [gated('agent-c', 8)]),
    ];
    // One run of 24 tasks: the hint reaches the three waiting workers at once, and they claim.
    const id = await startRun(24);
    await eventually(() => started().length === 24, 30_000, 'every slot to be used');
    const perAgent = new Map<string, number>();
    for (const s of started()) {
      const agent = s.split('-').slice(2).join('-');
      perAgent.set(agent, (perAgent.get(agent) ?? 0) + 1);
    }
    expect([...perAgent].sort()).toEqual([
      ['agent-a', 8],
      ['agent-b', 8],
      ['agent-c', 8],
    ]);
    // 24 tasks, each once, as attempt 1; the server says the same.
    expect(new Set(started().map((s) => s.split('-')[0])).size).toBe(24);
    expect(started().every((s) => s.split('-')[1] === '1')).toBe(true);
    const holding = (await run(id)).tasks;
    expect(holding.every((t) => t.status === 'in_progress' && t.attempt === 1)).toBe(true);
    // No claim lost a race or was refused: nothing the server answered a worker was a conflict.
    expect(answers.filter((a) => a.refused !== null)).toEqual([]);
    expect(answers.filter((a) => a.what === 'workers.claim').length).toBeGreaterThanOrEqual(3);
    open();
    await ended(id);
    const done = await run(id);
    expect(done.status).toBe('completed');
    expect(done.tasks.every((t) => t.attempt === 1)).toBe(true);
    // Each worker said it took its own 8, none another's.
    const took = ws.map((w) => new Set([...w.stderr().matchAll(/took (t\d+) \(run/g)].map((m) => m[1])));
    expect(took.map((t) => t.size)).toEqual([8, 8, 8]);
    expect(new Set(took.flatMap((t) => [...t])).size).toBe(24);
  });

  it('runs 8 at once on a worker whose agent has max_concurrency 8, and the rest as slots free', async () => {
    await serve();
    await worker('wa', [gated('agent-a', 8)]);
    const id = await startRun(12);
    await eventually(() => started().length === 8, 30_000, '8 attempts to start');
    const detail = await run(id);
    // At capacity the claim hands no more: 8 in progress at once, 4 waiting.
    expect(detail.tasks.filter((t) => t.status === 'in_progress')).toHaveLength(8);
    expect(detail.tasks.filter((t) => t.status === 'ready')).toHaveLength(4);
    expect(started()).toHaveLength(8);
    open();
    await ended(id);
    expect((await run(id)).status).toBe('completed');
    expect(started()).toHaveLength(12);
  });

  it("queues a killed worker's held tasks again once its heartbeats stop, and another worker takes them", async () => {
    await serve(1_500);
    const a = await worker('wa', [gated('agent-a', 2)]);
    const id = await startRun(2);
    await eventually(() => started().length === 2, 30_000, 'the first worker to hold both');
    a.child.kill('SIGKILL');
    await a.exited;
    await worker('wb', [gated('agent-b', 2)]);
    await eventually(
      () => started().filter((s) => s.endsWith('-2-agent-b')).length === 2,
      30_000,
      'the second worker to take both',
    );
    open();
    await ended(id);
    expect((await run(id)).status).toBe('completed');
    for (const task of ['t0', 't1']) {
      expect(await attemptsOf(id, task)).toEqual([
        [1, 'agent-a', 'interrupted'],
        [2, 'agent-b', 'done'],
      ]);
      const [first] = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: id, task_id: task });
      // Its socket broke without a goodbye: the heartbeats' silence, not the close, gave the tasks up.
      expect(first!.error).toBe(
        'worker wa stopped answering (its lease of 1.5 s lapsed); retried as a new attempt',
      );
    }
  });

  it('queues at once what a worker holds when it closes its connection cleanly, before its lease would lapse', async () => {
    await serve(600_000);
    await call(app, 'workers.register', { worker_id: 'wx', agents: [gated('agent-x', 1)] });
    const id = await startRun(1);
    const claimed = await call<{ tasks: ClaimedTask[] }>(app, 'workers.claim', {
      worker_id: 'wx',
      slots: { 'agent-x': 1 },
    });
    expect(claimed.tasks).toHaveLength(1);
    const url = new URL('api/v1/workers/signal?worker=wx', host.url);
    url.protocol = 'ws:';
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.close(1000, 'stopping');
    await eventually(
      async () => (await run(id)).tasks[0]!.status === 'ready',
      20_000,
      'the task to be queued again',
    );
    const [first] = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: id, task_id: 't0' });
    expect(first).toMatchObject({ attempt: 1, agent_id: 'agent-x', outcome: 'interrupted' });
    expect(first!.error).toBe('worker wx closed its connection; retried as a new attempt');
  });

  it('refuses, saying why, the result of a worker presumed dead whose lease was given away: the task is done once', async () => {
    await serve(1_500);
    const a = await worker('wa', [gated('agent-a', 1)]);
    const id = await startRun(1);
    await eventually(() => started().includes('t0-1-agent-a'), 30_000, 'the first worker to take it');
    const [lease] = (await call<WorkerView[]>(app, 'workers.list', {})).find((w) => w.id === 'wa')!.leases;
    expect(lease).toMatchObject({ task_id: 't0', attempt: 1, lease: expect.any(Number) });
    // The first worker stops answering (paused, as a laptop lid shut); another takes the task.
    a.child.kill('SIGSTOP');
    await worker('wb', [gated('agent-b', 1)]);
    await eventually(() => started().includes('t0-2-agent-b'), 30_000, 'the second worker to take it');
    // What the first worker would hand in, with the fencing token it was given: refused, and why.
    const late = await fetch(new URL('api/v1/workers/wa/claim', host.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        slots: {},
        results: [
          { run_id: id, task_id: 't0', attempt: 1, lease: lease!.lease, status: 'completed', output: 'late' },
        ],
      }),
    });
    expect(late.status).toBe(200);
    const answer = (await late.json()) as { results: ResultAnswer[] };
    expect(answer.results).toEqual([
      {
        run_id: id,
        task_id: 't0',
        attempt: 1,
        lease: lease!.lease,
        taken: false,
        reason: 'attempt 1 of t0 was given up (its lease lapsed); the task is on attempt 2 now',
      },
    ]);
    open();
    await ended(id);
    // Back, the first worker is told its attempt is no longer its own; nothing it sends counts.
    a.child.kill('SIGCONT');
    await eventually(
      () =>
        /dropping t0 \(run \S+, attempt 1\)|did not take the result of t0 \(run \S+, attempt 1\)/.test(
          a.stderr(),
        ),
      20_000,
      'the first worker to hear its attempt was given away',
    );
    const detail = await run(id);
    expect(detail.status).toBe('completed');
    expect(detail.tasks[0]).toMatchObject({
      status: 'done',
      attempt: 2,
      output: { task: 't0', by: 'agent-b', attempt: 2 },
    });
    expect(await attemptsOf(id, 't0')).toEqual([
      [1, 'agent-a', 'interrupted'],
      [2, 'agent-b', 'done'],
    ]);
  });
});
