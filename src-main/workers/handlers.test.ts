import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerView } from '../../src-shared/contract/domains/workers.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import { call, eventually, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

const LEASE = 10_000;
const held = (run_id: string, attempt: number) => ({ run_id, task_id: 't', attempt });

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('workers', () => {
  let now = Date.parse('2026-05-01T09:00:00Z');
  const start = async () => {
    app = createApp({ dataDir: ':memory:', clock: { now: () => now }, workerLeaseMs: LEASE, log: () => {} });
    await call(app, 'workers.register', {
      worker_id: 'w1',
      agents: [{ id: 'r1', kind: 'command', command: '/bin/true', skills: ['x'] }],
    });
    await call(app, 'plans.import', { plan: { plan_id: 'p', tasks: [task('t')] } });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
    return run_id;
  };

  it("registers a worker's agents as its own, never run here: the task waits for the worker to pull it", async () => {
    const run = await start();
    const [agent] = await call<Agent[]>(app, 'agents.list', {});
    expect(agent).toMatchObject({ id: 'r1', kind: 'command', worker: 'w1' });
    // A command agent of this Baton's would have run /bin/true at once.
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(detail.tasks[0]).toMatchObject({ status: 'ready', reason: 'Waiting for r1 to pull it' });
  });

  it("refuses another running worker's agent, and this Baton's own, naming them", async () => {
    await start();
    await call(app, 'agents.create', { id: 'mine', kind: 'echo', skills: ['x'] });
    const taken = await rejection(
      call(app, 'workers.register', { worker_id: 'w2', agents: [{ id: 'r1', kind: 'echo' }] }),
    );
    expect(taken).toMatchObject({
      code: 'conflict',
      message: 'Agent r1 belongs to worker w1, which is running',
    });
    const own = await rejection(
      call(app, 'workers.register', { worker_id: 'w2', agents: [{ id: 'mine', kind: 'echo' }] }),
    );
    expect(own.message).toMatch(/^Agent mine is one of this Baton's own agents/);
    const bad = await rejection(
      call(app, 'workers.register', { worker_id: 'w2', agents: [{ id: 'p', kind: 'human' }] }),
    );
    expect(bad).toMatchObject({ code: 'invalid_input' });
    expect(bad.message).toContain('agents[0].kind');
    // Once w1 is silent past its lease, another worker may take its agents over.
    now += LEASE + 1;
    await call(app, 'workers.register', {
      worker_id: 'w2',
      agents: [{ id: 'r1', kind: 'echo', skills: ['x'] }],
    });
    const agents = await call<Agent[]>(app, 'agents.list', {});
    expect(agents.find((a) => a.id === 'r1')).toMatchObject({ worker: 'w2' });
  });

  it("keeps a worker's agent the worker's when a person saves or imports it without the field", async () => {
    await start();
    await call(app, 'agents.save', { id: 'r1', kind: 'echo', skills: ['x'] });
    await call(app, 'agents.import', {
      agents: [{ id: 'r1', kind: 'command', command: '/bin/true', skills: ['y'] }],
    });
    const [agent] = await call<Agent[]>(app, 'agents.list', {});
    expect(agent).toMatchObject({ id: 'r1', kind: 'command', skills: ['y'], worker: 'w1' });
  });

  it('leases a taken task to the worker; once the lease lapses it is a new attempt, and the old one is refused', async () => {
    const run = await start();
    await call(app, 'work.execute', { agent_id: 'r1', run_id: run, task_id: 't' });
    const report = await call(app, 'workers.report', {
      worker_id: 'w1',
      ...held(run, 1),
      events: [{ type: 'log', stream: 'stdout', text: 'compiling' }],
    });
    expect(report).toEqual({ accepted: 1 });
    const [w] = await call<WorkerView[]>(app, 'workers.list', {});
    expect(w).toMatchObject({
      id: 'w1',
      agents: ['r1'],
      alive: true,
      leases: [{ ...held(run, 1), agent_id: 'r1' }],
    });
    // A heartbeat renews it: half a lease later, and half again, it still holds.
    now += LEASE / 2;
    expect(await call(app, 'workers.heartbeat', { worker_id: 'w1', held: [held(run, 1)] })).toEqual({
      drop: [],
      lease_ms: LEASE,
      beat_ms: LEASE / 4,
    });
    now += LEASE / 2 + 1;
    expect((await call<WorkerView[]>(app, 'workers.list', {}))[0]!.leases).toHaveLength(1);
    // Then silence past the lease: the attempt is given up as a restart gives one up.
    now += LEASE;
    const [gone] = await call<WorkerView[]>(app, 'workers.list', {});
    expect(gone).toMatchObject({ alive: false, leases: [] });
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(detail.tasks[0]!.status).toBe('ready');
    const [kept] = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: run, task_id: 't' });
    expect(kept).toMatchObject({ attempt: 1, agent_id: 'r1', outcome: 'interrupted' });
    expect(kept!.error).toBe(
      'worker w1 stopped answering (its lease of 10 s lapsed); retried as a new attempt',
    );
    // Taken again: attempt 2. What comes for attempt 1 is refused, and the worker told to drop it.
    await call(app, 'work.execute', { agent_id: 'r1', run_id: run, task_id: 't' });
    const { drop } = await call<{ drop: { reason: string }[] }>(app, 'workers.heartbeat', {
      worker_id: 'w1',
      held: [held(run, 1), held(run, 2)],
    });
    expect(drop).toEqual([
      {
        ...held(run, 1),
        reason: 'attempt 1 of t was given up (its lease lapsed); the task is on attempt 2 now',
      },
    ]);
    const late = await rejection(
      call(app, 'work.complete', {
        agent_id: 'r1',
        run_id: run,
        task_id: 't',
        attempt: 1,
        status: 'completed',
      }),
    );
    expect(late).toMatchObject({
      code: 'conflict',
      message: 'Attempt 1 of task t was given up; the task is on attempt 2',
    });
    await call(app, 'work.complete', {
      agent_id: 'r1',
      run_id: run,
      task_id: 't',
      attempt: 2,
      status: 'completed',
      output: { ok: true },
    });
    const done = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(done.tasks[0]).toMatchObject({ status: 'done', attempt: 2, output: { ok: true } });
  });

  it('long-polls: a pull that waits gets the task as soon as a run offers it, and the reason when none came', async () => {
    app = createApp({ dataDir: ':memory:', workerLeaseMs: LEASE, log: () => {} });
    await call(app, 'workers.register', {
      worker_id: 'w1',
      agents: [{ id: 'r1', kind: 'echo', skills: ['x'] }],
    });
    const empty = await call(app, 'work.selectNext', { agent_id: 'r1', wait_s: 0.05 });
    expect(empty).toEqual({ task: null, reason: 'no ready task matches this agent' });
    const waiting = call<{ task: { task_id: string } | null }>(app, 'work.selectNext', {
      agent_id: 'r1',
      wait_s: 25,
    });
    await call(app, 'plans.import', { plan: { plan_id: 'p', tasks: [task('t')] } });
    await call(app, 'runs.start', { plan_id: 'p' });
    expect((await waiting).task).toMatchObject({ task_id: 't' });
    const tooLong = await rejection(call(app, 'work.selectNext', { agent_id: 'r1', wait_s: 26 }));
    expect(tooLong).toMatchObject({ code: 'invalid_input' });
    expect(tooLong.message).toContain('wait_s');
  });

  it("knows a worker's workspaces by id only: a plan may name them once it registered, for its coding agents", async () => {
    app = createApp({ dataDir: ':memory:', clock: { now: () => now }, workerLeaseMs: LEASE, log: () => {} });
    const plan = {
      plan_id: 'code',
      workspace: 'app',
      tasks: [{ ...task('t'), agent: 'coder' }],
    };
    const before = await rejection(call(app, 'plans.import', { plan }));
    expect(before.message).toContain('unknown workspace "app"');
    await call(app, 'workers.register', {
      worker_id: 'w1',
      agents: [{ id: 'coder', kind: 'coding', cli: 'claude', skills: ['x'] }],
      workspaces: ['app'],
    });
    await call(app, 'plans.import', { plan });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'code' });
    // The coding task waits for the worker, with the workspace named in what it is handed.
    const pulled = await call<{ context: { workspace?: string } }>(app, 'work.execute', {
      agent_id: 'coder',
      run_id,
      task_id: 't',
    });
    expect(pulled.context.workspace).toBe('app');
    // Registering again without it: the server forgets it (nothing of the repository was ever here).
    await call(app, 'workers.register', {
      worker_id: 'w1',
      agents: [{ id: 'coder', kind: 'coding', cli: 'claude', skills: ['x'] }],
    });
    expect(
      (await rejection(call(app, 'plans.import', { plan: { ...plan, plan_id: 'again' } }))).message,
    ).toContain('unknown workspace "app"');
  });

  it("hands a worker's coding agent the reviewer's request for changes with the task, after a restart too", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-workers-review-'));
    try {
      const open = async () => {
        app = createApp({ dataDir: dir, workerLeaseMs: LEASE, log: () => {} });
        await call(app, 'workers.register', {
          worker_id: 'w1',
          agents: [{ id: 'coder', kind: 'coding', cli: 'claude', skills: ['x'] }],
          workspaces: ['app'],
        });
      };
      await open();
      await call(app, 'plans.import', {
        plan: { plan_id: 'code', workspace: 'app', tasks: [task('t', { review: 'diff' })] },
      });
      const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'code' });
      const ref = { agent_id: 'coder', run_id, task_id: 't' };
      /** The worker takes the task and hands in a coding result; the review it then waits in. */
      const attempt = async (n: number, seen?: ApprovalView) => {
        type Taken = { status: string; context?: { attempt: number; resume?: unknown } };
        let taken: Taken | undefined;
        await eventually(
          async () => {
            taken = await call<Taken>(app, 'work.execute', ref).catch(() => undefined);
            return taken?.status === 'in_progress';
          },
          5_000,
          `attempt ${n} taken`,
        );
        expect(taken!.context!.attempt).toBe(n);
        const output = {
          workspace_id: 'app',
          branch: `baton/${run_id}/t`,
          commit: `c${n}`,
          start_commit: 'c0',
          files: [{ path: 'a.txt', status: 'added', additions: n, deletions: 0 }],
          additions: n,
          deletions: 0,
          summary: `attempt ${n}`,
          session_id: 'sess-1',
          diff_artifact: null,
        };
        await call(app, 'work.complete', { ...ref, status: 'completed', attempt: n, output });
        let review: ApprovalView | undefined;
        await eventually(
          async () => {
            const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
            review = list.find((a) => a.kind === 'diff_review' && a.id !== seen?.id);
            return review !== undefined;
          },
          5_000,
          `review ${n}`,
        );
        return { resume: taken!.context!.resume, review: review! };
      };
      const first = await attempt(1);
      expect(first.resume).toBeUndefined();
      await call(app, 'approvals.decide', {
        approval_id: first.review.id,
        decision: 'request_changes',
        actor: 'ana',
        comment: 'add tests',
        line_comments: [{ path: 'a.txt', line: 1, body: 'say why' }],
      });
      const second = await attempt(2, first.review);
      expect(second.resume).toEqual({
        reason: 'changes_requested',
        comment: 'add tests',
        line_comments: [{ path: 'a.txt', line: 1, body: 'say why' }],
      });
      await call(app, 'approvals.decide', {
        approval_id: second.review.id,
        decision: 'request_changes',
        actor: 'ana',
        comment: 'and docs',
      });
      // The server restarts before the worker takes the task again: the request is read back.
      await app.close();
      await open();
      const third = await attempt(3, second.review);
      expect(third.resume).toEqual({ reason: 'changes_requested', comment: 'and docs', line_comments: [] });
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
