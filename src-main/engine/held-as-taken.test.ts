import { afterEach, describe, expect, it } from 'vitest';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { RunDetail, SpendReport } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

// What an attempt takes as it starts (its agent's load, its cost in the budget in flight, a place
// under the global limit when it runs here) is given back as it was taken, once: not as the
// registry says by its end (an agent re-imported with another cost or kind), and not as a flight
// says that is gone (a cancel after the attempt settled, before a tick applied its end).
let app: BatonApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Lets the promise jobs already queued run (an executor's end settling its flight), without a timer. */
const microtasks = async (n = 50) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('a cancel that lands between an attempt settling and the tick applying its end', () => {
  it('gives back the place under the global limit', async () => {
    const exec = controlledExecutor();
    app = createApp({
      dataDir: ':memory:',
      executors: { echo: exec.executor },
      log: () => {},
      maxInFlight: 1,
    });
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 5 }], {
      plan_id: 'p',
      tasks: [task('a'), task('b')],
    });
    await eventually(() => exec.running.has('a'), 5_000, 'a running');
    exec.running.get('a')!.finish();
    await microtasks();
    // The executor returned (its result settled the flight); no tick has applied the end yet.
    expect(exec.running.has('a')).toBe(false);
    expect(app.engine.liveDetail(run)!.tasks.find((t) => t.task_id === 'a')!.status).toBe('in_progress');
    app.engine.cancelTask(run, 'a');
    // b may now take the one place.
    await eventually(() => exec.running.has('b'), 3_000, 'b running').catch((e) => {
      throw new Error(
        `${e.message}; b: ${JSON.stringify(app!.engine.liveDetail(run)!.tasks.find((t) => t.task_id === 'b')!.reason)}`,
      );
    });
    exec.running.get('b')!.finish();
    const final = await app.engine.whenSettled(run);
    expect(final.status).toBe('cancelled');
    const d = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(d.counts.done).toBe(1);
  });
});

describe('budget in flight when an agent’s cost_per_task changes while its task runs', () => {
  it('does not let the next task pass the plan budget', async () => {
    const exec = controlledExecutor();
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 1, cost_per_task: 1 }], {
      plan_id: 'p',
      budget: 10,
      tasks: [task('a'), task('b', { depends_on: ['a'] })],
    });
    await eventually(() => exec.running.has('a'), 5_000, 'a running');
    // The agent's price is raised while a runs.
    await call(app, 'agents.import', {
      agents: [{ id: 'w', skills: ['x'], max_concurrency: 1, cost_per_task: 9 }],
    });
    exec.running.get('a')!.finish();
    // a is charged 9 (the agent's cost now); b would cost 9 more: 18 > 10, so b must wait for approval.
    await eventually(
      async () => {
        const d = await call<RunDetail>(app!, 'runs.get', { run_id: run });
        const b = d.tasks.find((t) => t.task_id === 'b')!;
        return b.status !== 'blocked' && b.status !== 'ready';
      },
      5_000,
      'b decided',
    );
    const spend = await call<SpendReport>(app, 'runs.spend', { scope: 'run', id: run });
    const pending = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
    const d = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect({
      spent: spend.spent,
      b: d.tasks.find((t) => t.task_id === 'b')!.status,
      gates: pending.map((p) => [p.task_id, p.kind]),
    }).toEqual({ spent: 9, b: 'awaiting_approval', gates: [['b', 'budget']] });
    await call(app, 'runs.cancel', { run_id: run });
  });
});

describe('an agent re-imported with another kind while its task runs here', () => {
  it('gives back the place under the global limit when the attempt ends', async () => {
    const exec = controlledExecutor();
    app = createApp({
      dataDir: ':memory:',
      executors: { echo: exec.executor },
      log: () => {},
      maxInFlight: 1,
    });
    const run = await setup(
      app,
      [
        { id: 'w', skills: ['x'], max_concurrency: 5 },
        { id: 'v', skills: ['y'], max_concurrency: 5 },
      ],
      { plan_id: 'p', tasks: [task('a'), task('b', { required_skills: ['y'] })] },
    );
    await eventually(() => exec.running.size === 1, 5_000, 'one running');
    const first = [...exec.running.keys()][0]!;
    const agent = first === 'a' ? 'w' : 'v';
    const skill = first === 'a' ? 'x' : 'y';
    // Its agent becomes a person's (pulls its work) while the attempt runs here.
    await call(app, 'agents.import', { agents: [{ id: agent, kind: 'human', skills: [skill] }] });
    exec.running.get(first)!.finish();
    const other = first === 'a' ? 'b' : 'a';
    await eventually(() => exec.running.has(other), 3_000, `${other} running`).catch((e) => {
      throw new Error(
        `${e.message}; ${other}: ${JSON.stringify(app!.engine.liveDetail(run)!.tasks.find((t) => t.task_id === other)!.reason)}`,
      );
    });
    exec.running.get(other)!.finish();
    await app.engine.whenSettled(run);
  });
});
