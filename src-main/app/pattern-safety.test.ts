import { afterEach, describe, expect, it } from 'vitest';
import type { PlanInput } from '../../src-shared/schemas/plan.ts';
import { planSchema } from '../../src-shared/schemas/plan.ts';
import { call, controlledExecutor, eventually, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';
import { checkTimeoutMs } from './pattern-safety.ts';

let app: BatonApp;
afterEach(() => app?.close());

const open = () => {
  const exec = controlledExecutor(() => ({ ok: true, output: 'ok' }));
  app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
  return app;
};

/** A producer and one dependent per pattern, each with `matches` on the producer's output. */
const planWith = (...patterns: string[]): PlanInput => ({
  plan_id: 'p',
  tasks: [
    task('review'),
    ...patterns.map((matches, i) =>
      task(`d${i}`, { depends_on: ['review'], condition: { output: { task_id: 'review', matches } } }),
    ),
  ],
});

/** Stores a plan as one saved before patterns were checked would be. */
const storeDirectly = (plan: PlanInput) =>
  app.store.tx(() => app.store.plans.save(planSchema.parse(plan), new Date().toISOString()));

const refusal = (what: RegExp, index = 1) => ({
  ok: false,
  error: {
    code: 'invalid_input',
    details: {
      issues: expect.arrayContaining([
        { path: `tasks[${index}].condition.output.matches`, message: expect.stringMatching(what) },
      ]),
    },
  },
});

describe('matches patterns that can take super-linear time', () => {
  it('are refused when a plan is imported, naming the field and why, and nothing is saved', async () => {
    open();
    for (const [pattern, why] of [
      ['^(a+)+$', /exponential time/],
      ['(\\w+\\s?)*$', /exponential time/],
      ['(a|a)*$', /exponential time/],
      ['\\d+ tests passed', /to the power 2/],
      ['foo.*bar', /to the power 2/],
    ] as const) {
      const r = await app.dispatch('plans.import', { plan: planWith(pattern) });
      expect(r, pattern).toMatchObject(refusal(why));
      expect(!r.ok && r.error.message).toMatch(
        /^plan is invalid: tasks\[1\]\.condition\.output\.matches: can take/,
      );
      expect(await call(app, 'plans.list', {})).toEqual([]);
    }
  });

  it('let plans with linear patterns in', async () => {
    open();
    const safe = [
      '^ok$',
      '^(yes|no)$',
      '^v\\d+\\.\\d+\\.\\d+$',
      '\\bLGTM\\b',
      '^\\d+ tests passed',
      'ERROR: .*',
      '^rej',
    ];
    const summary = await call<{ version: number }>(app, 'plans.import', { plan: planWith(...safe) });
    expect(summary.version).toBe(1);
    expect(await call(app, 'plans.validate', { plan: planWith(...safe) })).toEqual({ ok: true, issues: [] });
  });

  it('are reported by plans.validate, together with the plan’s other problems', async () => {
    open();
    const plan = planWith('^ok$', '^(a+)+$');
    plan.tasks.push(task('bad', { depends_on: ['nowhere'] }));
    const r = await call<{ ok: boolean; issues: { path: string; message: string }[] }>(
      app,
      'plans.validate',
      {
        plan,
      },
    );
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([
      { path: 'tasks[3].depends_on[0]', message: 'unknown dependency "nowhere"' },
      { path: 'tasks[2].condition.output.matches', message: expect.stringMatching(/exponential time/) },
    ]);
  });

  it('stop a plan stored before the check from running, restored or re-run', async () => {
    open();
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    storeDirectly(planWith('^ok$'));
    storeDirectly(planWith('^ok$', '^(a+)+$'));
    const started = await app.dispatch('runs.start', { plan_id: 'p' });
    expect(started).toMatchObject(refusal(/exponential time/, 2));
    expect(!started.ok && started.error.message).toMatch(/^plan "p" v2 cannot run: tasks\[2\]/);
    expect(await call(app, 'runs.list', {})).toEqual([]);
    // Version 1 is fine and runs; restoring version 2 over it is refused.
    expect(await app.dispatch('plans.restore', { plan_id: 'p', version: 1 })).toMatchObject({ ok: true });
    expect(await app.dispatch('plans.restore', { plan_id: 'p', version: 2 })).toMatchObject(
      refusal(/exponential time/, 2),
    );
    // A run of version 2 started before the check (by the engine itself) is not run again.
    const old = app.engine.startRun('p').run_id;
    await eventually(async () => (await app.engine.whenSettled(old)).status !== 'executing');
    expect(await app.dispatch('runs.rerun', { run_id: old, task_id: 'review' })).toMatchObject({ ok: true });
    storeDirectly(planWith('^(a+)+$'));
    const bad = app.engine.startRun('p').run_id;
    await app.engine.whenSettled(bad);
    expect(await app.dispatch('runs.rerun', { run_id: bad, task_id: 'review' })).toMatchObject(
      refusal(/exponential time/, 1),
    );
  });

  it('refuses a plan of many slow patterns after the first twenty, without checking them all', async () => {
    open();
    const patterns = Array.from({ length: 200 }, (_, i) => `^(a+)+$|x${i}`);
    const r = await app.dispatch('plans.import', { plan: planWith(...patterns) });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!r.ok && (r.error.details as { issues: unknown[] }).issues).toHaveLength(20);
    expect(!r.ok && r.error.message).toMatch(/\(and 19 more\)$/);
  });
});

describe('the time a check may take', () => {
  it('is 5 s on an idle machine, stretched by the load per core on a busy one, at most 8 times', () => {
    expect(checkTimeoutMs(0, 2)).toBe(5_000);
    expect(checkTimeoutMs(1.5, 2)).toBe(5_000);
    expect(checkTimeoutMs(6, 2)).toBe(15_000);
    expect(checkTimeoutMs(100, 2)).toBe(40_000);
    expect(checkTimeoutMs(3, 0)).toBe(15_000);
  });
});
