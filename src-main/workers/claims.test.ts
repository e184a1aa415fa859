import { afterEach, describe, expect, it } from 'vitest';
import type { ClaimedTask, ResultAnswer, WorkerView } from '../../src-shared/contract/domains/workers.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import { call, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import { nextTurn } from '../base/turns.ts';

let app: BatonApp;
afterEach(() => app?.close());

const LEASE = 8_000;
type Claimed = { results: ResultAnswer[]; tasks: ClaimedTask[]; lease_ms: number; beat_ms: number };

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('workers.claim', () => {
  let now = Date.parse('2026-05-01T09:00:00Z');
  const open = async (
    workers: Record<string, { id: string; max_concurrency: number; skills?: string[] }[]>,
  ) => {
    app = createApp({ dataDir: ':memory:', clock: { now: () => now }, workerLeaseMs: LEASE, log: () => {} });
    for (const [worker_id, agents] of Object.entries(workers))
      await call(app, 'workers.register', {
        worker_id,
        agents: agents.map((a) => ({ kind: 'echo', skills: ['x'], ...a })),
      });
  };
  const start = async (tasks: unknown[], extra: Record<string, unknown> = {}) => {
    await call(app, 'plans.import', { plan: { plan_id: 'p', tasks, ...extra } });
    return (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' })).run_id;
  };
  const claim = (worker_id: string, slots: Record<string, number>, results?: unknown[]) =>
    call<Claimed>(app, 'workers.claim', { worker_id, slots, ...(results ? { results } : {}) });
  const ids = (c: Claimed) => c.tasks.map((t) => t.context.task.task_id);
  const resultOf = (t: ClaimedTask, extra: Record<string, unknown> = {}) => ({
    run_id: t.context.run.id,
    task_id: t.context.task.task_id,
    attempt: t.context.attempt,
    lease: t.lease,
    status: 'completed',
    output: { by: t.agent_id, attempt: t.context.attempt },
    ...extra,
  });

  it("hands workers claiming one after another different tasks, up to their free slots and each agent's capacity", async () => {
    await open({
      w1: [{ id: 'a1', max_concurrency: 3 }],
      w2: [{ id: 'a2', max_concurrency: 8 }],
      w3: [{ id: 'a3', max_concurrency: 8 }],
    });
    await start(Array.from({ length: 10 }, (_, i) => task(`t${i}`)));
    // a1 asks for more than it may hold: it gets its capacity.
    const c1 = await claim('w1', { a1: 5 });
    const c2 = await claim('w2', { a2: 4 });
    const c3 = await claim('w3', { a3: 8 });
    expect([ids(c1).length, ids(c2).length, ids(c3).length]).toEqual([3, 4, 3]);
    const all = [...ids(c1), ...ids(c2), ...ids(c3)];
    expect(new Set(all).size).toBe(10);
    // Best first (first come among equals), each under its own lease, as attempt 1, for the agent asked for.
    expect(ids(c1)).toEqual(['t0', 't1', 't2']);
    expect(new Set([...c1.tasks, ...c2.tasks, ...c3.tasks].map((t) => t.lease)).size).toBe(10);
    expect(c2.tasks.every((t) => t.agent_id === 'a2' && t.context.attempt === 1)).toBe(true);
    expect(c1).toMatchObject({ results: [], lease_ms: LEASE, beat_ms: LEASE / 4 });
    // At capacity, or nothing left: nothing, and no refusal.
    expect((await claim('w1', { a1: 1 })).tasks).toEqual([]);
    // Only the worker's own agents, and known ones.
    expect(await rejection(claim('w1', { a2: 1 }))).toMatchObject({
      code: 'conflict',
      message: "Agent a2 is not an agent of worker w1 (it is worker w2's)",
    });
    expect(await rejection(claim('w1', { nobody: 1 }))).toMatchObject({ code: 'not_found' });
    const [w1] = (await call<WorkerView[]>(app, 'workers.list', {})).filter((w) => w.id === 'w1');
    expect(w1!.leases.map((l) => [l.task_id, l.lease])).toEqual(
      c1.tasks.map((t) => [t.context.task.task_id, t.lease]),
    );
  });

  it('decides in the claim what dispatch decides: skills, pins, budgets', async () => {
    await open({
      w1: [{ id: 'a1', max_concurrency: 8 }],
      w2: [{ id: 'pinned', max_concurrency: 8, skills: ['x', 'y'] }],
    });
    const run = await start(
      [
        task('needs-y', { required_skills: ['y'] }),
        task('for-pinned', { agent: 'pinned' }),
        task('costly', { estimated_cost: 6 }),
        task('plain'),
      ],
      { budget: 5 },
    );
    expect(ids(await claim('w1', { a1: 8 }))).toEqual(['plain']);
    // The task that would pass the plan's budget waits for a person instead of going out.
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    const status = Object.fromEntries(detail.tasks.map((t) => [t.task_id, t.status]));
    expect(status).toMatchObject({ 'needs-y': 'ready', 'for-pinned': 'ready', costly: 'awaiting_approval' });
    const [budget] = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
    expect(budget).toMatchObject({ kind: 'budget', task_id: 'costly' });
    expect(ids(await claim('w2', { pinned: 8 })).sort()).toEqual(['for-pinned', 'needs-y']);
  });

  it("takes a worker's results and hands it the next tasks in the same call: a chain's next comes with the result before", async () => {
    await open({ w1: [{ id: 'a1', max_concurrency: 2 }] });
    const run = await start([task('first'), task('then', { depends_on: ['first'] }), task('other')]);
    const c1 = await claim('w1', { a1: 2 });
    expect(ids(c1)).toEqual(['first', 'other']);
    // Both results in one claim, and the room they free: the dependent comes back with them.
    const c2 = await claim(
      'w1',
      { a1: 2 },
      c1.tasks.map((t) => resultOf(t)),
    );
    expect(c2.results).toEqual([
      { run_id: run, task_id: 'first', attempt: 1, lease: c1.tasks[0]!.lease, taken: true, status: 'done' },
      { run_id: run, task_id: 'other', attempt: 1, lease: c1.tasks[1]!.lease, taken: true, status: 'done' },
    ]);
    expect(ids(c2)).toEqual(['then']);
    expect(c2.tasks[0]!.context.dependencies).toEqual([
      { task_id: 'first', status: 'done', output: { by: 'a1', attempt: 1 }, completed: true },
    ]);
    const c3 = await claim('w1', { a1: 2 }, [resultOf(c2.tasks[0]!, { status: 'failed', error: 'broke' })]);
    expect(c3.results[0]).toMatchObject({ taken: true, status: 'failed' });
    expect((await call<RunDetail>(app, 'runs.get', { run_id: run })).status).toBe('failed');
  });

  it('ticks after results only when a tick has work from them: a dependent an agent here takes, not the slots they freed', async () => {
    app = createApp({
      dataDir: ':memory:',
      clock: { now: () => now },
      buildLogIntervalMs: 3_600_000,
      log: () => {},
    });
    await call(app, 'workers.register', {
      worker_id: 'w1',
      agents: [{ id: 'a1', kind: 'echo', skills: ['x'], max_concurrency: 4 }],
    });
    await call(app, 'agents.import', {
      agents: [{ id: 'here', kind: 'echo', skills: ['y'], max_concurrency: 1 }],
    });
    const run = await start([
      ...['t0', 't1', 't2', 't3'].map((id) => task(id)),
      task('after', { depends_on: ['t0'], required_skills: ['y'] }),
    ]);
    const held = (await claim('w1', { a1: 4 })).tasks;
    expect(held.map((t) => t.context.task.task_id)).toEqual(['t0', 't1', 't2', 't3']);
    // The first results write the build log, then set its timer (an hour here): ticks of their own.
    for (const t of held.slice(1, 3)) {
      await claim('w1', {}, [resultOf(t)]);
      await nextTurn();
    }
    let commits = 0;
    const tx = app.store.tx;
    app.store.tx = (fn) => {
      commits++;
      return tx(fn);
    };
    // A result that frees the worker's slot and unblocks nothing: its exchange's commit, no tick after it.
    await claim('w1', {}, [resultOf(held[3]!)]);
    await nextTurn();
    expect(commits).toBe(1);
    // One that unblocks a task only the agent here takes: the tick after it starts it.
    await claim('w1', {}, [resultOf(held[0]!)]);
    const settled = await app.engine.whenSettled(run);
    expect(settled.status).toBe('completed');
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(detail.tasks.find((t) => t.task_id === 'after')).toMatchObject({
      status: 'done',
      agent_id: 'here',
    });
  });

  it('refuses, saying why, a result under a lease given away; the task ends once, by the worker that holds it', async () => {
    await open({ w1: [{ id: 'a1', max_concurrency: 1 }], w2: [{ id: 'a2', max_concurrency: 1 }] });
    const run = await start([task('t')]);
    const [first] = (await claim('w1', { a1: 1 })).tasks;
    // w1 falls silent past its lease (four missed beats): the attempt is given up, w2 takes the task.
    now += LEASE + 1;
    await call(app, 'workers.list', {});
    const [second] = (await claim('w2', { a2: 1 })).tasks;
    expect(second!.context.attempt).toBe(2);
    // w1 comes back with its result: refused, with why; nothing changes.
    const late = await claim('w1', { a1: 1 }, [resultOf(first!)]);
    expect(late.results).toEqual([
      {
        run_id: run,
        task_id: 't',
        attempt: 1,
        lease: first!.lease,
        taken: false,
        reason: 'attempt 1 of t was given up (its lease lapsed); the task is on attempt 2 now',
      },
    ]);
    // A result naming the current attempt under another lease than the one it went out under: refused too.
    const forged = await claim('w2', {}, [resultOf(second!, { lease: second!.lease + 1 })]);
    expect(forged.results[0]).toMatchObject({
      taken: false,
      reason: `lease ${second!.lease + 1} of attempt 2 of t was given away; the attempt is held under lease ${second!.lease}`,
    });
    const held = await call<{ drop: { reason: string }[] }>(app, 'workers.heartbeat', {
      worker_id: 'w1',
      held: [{ run_id: run, task_id: 't', attempt: 1, lease: first!.lease }],
    });
    expect(held.drop[0]!.reason).toMatch(/^attempt 1 of t was given up/);
    // The holder's result ends it (and the run); the same result again is refused.
    expect((await claim('w2', {}, [resultOf(second!)])).results[0]).toMatchObject({
      taken: true,
      status: 'done',
    });
    expect((await claim('w2', {}, [resultOf(second!)])).results[0]).toMatchObject({
      taken: false,
      reason: `run "${run}" already completed`,
    });
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(detail).toMatchObject({ status: 'completed' });
    expect(detail.tasks[0]).toMatchObject({ status: 'done', attempt: 2, output: { by: 'a2', attempt: 2 } });
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: run, task_id: 't' });
    expect(attempts.map((a) => [a.attempt, a.agent_id, a.outcome])).toEqual([
      [1, 'a1', 'interrupted'],
      [2, 'a2', 'done'],
    ]);
  });

  it('wakes only a worker that waits for work and could take what is queued', async () => {
    await open({
      w1: [{ id: 'a1', max_concurrency: 2 }],
      w2: [{ id: 'a2', max_concurrency: 2, skills: ['y'] }],
    });
    const { claims } = app.engine;
    // Nothing queued: nobody is woken.
    expect([claims.wantsWork('w1'), claims.wantsWork('w2')]).toEqual([false, false]);
    await start([task('for-y', { required_skills: ['y'] }), task('for-y-too', { required_skills: ['y'] })]);
    // Work only w2's agent can take wakes w2 alone.
    expect([claims.wantsWork('w1'), claims.wantsWork('w2')]).toEqual([false, true]);
    // w2 claimed all it had room for: it does not wait for work, its next result comes with a claim.
    expect(ids(await claim('w2', { a2: 2 }))).toEqual(['for-y', 'for-y-too']);
    expect(claims.wantsWork('w2')).toBe(false);
  });

  it('refuses a whole claim naming an agent not its own before it hands anything in', async () => {
    await open({ w1: [{ id: 'a1', max_concurrency: 1 }], w2: [{ id: 'a2', max_concurrency: 1 }] });
    const run = await start([task('t')]);
    const [t] = (await claim('w1', { a1: 1 })).tasks;
    await rejection(claim('w1', { a2: 1 }, [resultOf(t!)]));
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(detail.tasks[0]).toMatchObject({ status: 'in_progress', attempt: 1 });
  });
});
