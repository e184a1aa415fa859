import { afterEach, describe, expect, it } from 'vitest';
import type { BuildResponse, RunDetail } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import { TickBudget } from './tick-budget.ts';
import { Inbox } from './tick-inputs.ts';

let app: BatonApp;
afterEach(() => app?.close());

const TASKS = 40;
const flat = {
  plan_id: 'p',
  tasks: Array.from({ length: TASKS }, (_, i) => task(`t${i}`)),
};

/** How many of the run's tasks are in each status now, as a UI asking `runs.get` sees them. */
async function statuses(runId: string): Promise<Record<string, number>> {
  const detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
  const counts: Record<string, number> = {};
  for (const t of detail.tasks) counts[t.status] = (counts[t.status] ?? 0) + 1;
  return counts;
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe("a tick's budget", () => {
  it("leaves a big start's tasks to the next ticks, and calls are answered in between", async () => {
    // No time at all: each tick assigns one task, and the next tick is asked for at once.
    const exec = controlledExecutor(() => 'hold');
    app = createApp({
      dataDir: ':memory:',
      executors: { echo: exec.executor },
      tickTimeMs: 0,
      log: () => {},
    });
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'], max_concurrency: 100 }] });
    await call(app, 'plans.import', { plan: flat });
    const started = await call<BuildResponse & { run: RunDetail }>(app, 'runs.start', { plan_id: 'p' });
    // The call answered after its first slice, not after all 40 were assigned.
    expect(started.delegated_tasks.length).toBeLessThan(TASKS);
    // Asked again and again, as a UI would: answers come while some tasks are assigned and the
    // rest still wait in the queue.
    const ready: number[] = [];
    while (exec.running.size < TASKS) {
      await nextTurn();
      ready.push((await statuses(started.run_id)).ready ?? 0);
    }
    expect(ready.some((n) => n > 0 && n < TASKS - 1)).toBe(true);
    for (const e of exec.running.values()) e.finish();
    const done = await app.engine.whenSettled(started.run_id);
    expect(done.status).toBe('completed');
    expect((await statuses(started.run_id)).done).toBe(TASKS);
  });

  it('applies results that arrive together a slice per tick, and calls are answered in between', async () => {
    const exec = controlledExecutor(() => 'hold');
    app = createApp({
      dataDir: ':memory:',
      executors: { echo: exec.executor },
      tickTimeMs: 0,
      log: () => {},
    });
    const runId = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 100 }], flat);
    await eventually(() => exec.running.size === TASKS);
    // Every agent answers at once: their results wait in the inbox together.
    for (const e of exec.running.values()) e.finish();
    const done: number[] = [];
    for (;;) {
      await nextTurn();
      const n = (await statuses(runId)).done ?? 0;
      done.push(n);
      if (n === TASKS) break;
    }
    // Some answers came while part of the results were stored and the rest still waited.
    expect(done.some((n) => n > 0 && n < TASKS - 1)).toBe(true);
    expect((await app.engine.whenSettled(runId)).status).toBe('completed');
  });

  it('takes on fewer units when its ticks were slow, more when they were quick', () => {
    let now = 0;
    const budget = new TickBudget(10, () => now);
    const tick = (units: number, ms: number) => {
      budget.renew();
      for (let i = 0; i < units; i++) budget.use();
      now += ms;
      budget.end();
    };
    budget.renew();
    const first = budget.fits;
    // Ticks at 0.5 ms a unit: a tick of 10 ms fits about 20.
    for (let i = 0; i < 20; i++) tick(budget.fits, budget.fits * 0.5);
    budget.renew();
    expect(budget.fits).toBeLessThan(first);
    expect(budget.fits).toBeGreaterThanOrEqual(18);
    expect(budget.fits).toBeLessThanOrEqual(22);
    // The machine is quiet again: 0.01 ms a unit.
    for (let i = 0; i < 40; i++) tick(budget.fits, budget.fits * 0.01);
    budget.renew();
    expect(budget.fits).toBeGreaterThan(500);
    // A budget of no time still takes one unit a tick.
    const none = new TickBudget(0, () => now);
    none.renew();
    expect(none.spent).toBe(false);
    none.use();
    expect(none.spent).toBe(true);
  });

  it("gives a run's first tick what its launch left of the tick's time, never fewer than a small run's tasks", () => {
    let now = 0;
    const budget = new TickBudget(10, () => now);
    // 0.01 ms a unit, learnt: a whole tick fits 1,000.
    for (let i = 0; i < 40; i++) {
      budget.renew();
      for (let u = 0; u < budget.fits; u++) budget.use();
      now += budget.fits * 0.01;
      budget.end();
    }
    budget.renew();
    expect(budget.fits).toBeGreaterThan(900);
    // A launch took 8 ms of the 10: about a fifth is left.
    budget.renew(8);
    expect(budget.fits).toBeGreaterThan(150);
    expect(budget.fits).toBeLessThan(250);
    // The launch alone took longer than a tick: a small run still gets 16 units.
    budget.renew(30);
    expect(budget.fits).toBe(16);
    // What a unit costs is learnt from the tick's own time, not the launch's.
    now += 16 * 0.01;
    for (let u = 0; u < 16; u++) budget.use();
    budget.end();
    budget.renew();
    expect(budget.fits).toBeGreaterThan(900);
  });

  it('puts back what a tick had no time for before what came since, each kind in its order', () => {
    const inbox = new Inbox();
    const ended = (taskId: string) => ({
      kind: 'attempt.ended' as const,
      runId: 'r',
      taskId,
      attempt: 1,
      ok: true,
    });
    const due = (taskId: string) => ({ kind: 'retry.due' as const, runId: 'r', taskId });
    inbox.push(ended('a'));
    inbox.push(ended('b'));
    inbox.push(due('c'));
    const taken = inbox.take();
    // The tick applied `a` only; meanwhile `d` ended.
    inbox.push(ended('d'));
    inbox.putBack({ ...taken, 'attempt.ended': taken['attempt.ended'].slice(1) });
    const again = inbox.take();
    expect(again['attempt.ended'].map((e) => e.taskId)).toEqual(['b', 'd']);
    expect(again['retry.due'].map((e) => e.taskId)).toEqual(['c']);
    expect(inbox.take()['attempt.ended']).toEqual([]);
  });
});
