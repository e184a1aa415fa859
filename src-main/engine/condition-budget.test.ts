import { afterEach, describe, expect, it } from 'vitest';
import type { PlanInput } from '../../src-shared/schemas/plan.ts';
import { planSchema } from '../../src-shared/schemas/plan.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import { MATCH_TIME_LIMIT_MS } from './conditions.ts';

let app: BatonApp;
afterEach(() => app?.close());

/** Forty "a" then a "b": `^(a+)+` tries every way to split the a's before failing. */
const EVIL = `${'a'.repeat(40)}b`;
const DEPENDENTS = 12;

/**
 * A review and dependents whose `matches` patterns are all distinct (nothing is answered from
 * the last match) and each backtrack until the per-match limit. Such a plan is refused when it
 * is saved or started now; one stored before that check still runs, and so does the engine.
 */
const plan: PlanInput = {
  plan_id: 'p',
  tasks: [
    task('review'),
    ...Array.from({ length: DEPENDENTS }, (_, i) =>
      task(`d${i}`, {
        depends_on: ['review'],
        condition: { output: { task_id: 'review', matches: `^(a+)+$|x${i}` } },
      }),
    ),
  ],
};

describe('the time conditions take in one tick', () => {
  it('is bounded: catastrophic matches are decided a few per tick, and calls are answered in between', async () => {
    const exec = controlledExecutor(() => 'hold');
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    app.store.tx(() => app.store.plans.save(planSchema.parse(plan), new Date().toISOString()));
    const { run_id: run } = app.engine.startRun('p');
    await eventually(() => exec.running.has('review'));
    exec.running.get('review')!.finish(EVIL);
    // Ask for the run again and again, as a UI would, while the engine decides the dependents.
    const seen: number[] = [];
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
      if (detail.tasks.find((t) => t.task_id === 'review')!.status !== 'done') continue;
      const blocked = detail.tasks.filter((t) => t.status === 'blocked').length;
      seen.push(blocked);
      if (blocked === 0) break;
    }
    // Some answers came while part of the dependents were decided and part still waited: the
    // engine did not decide them all in one go.
    expect(seen.some((n) => n > 0 && n < DEPENDENTS)).toBe(true);
    const done = await app.engine.whenSettled(run);
    expect(done.status).toBe('completed');
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    for (const t of detail.tasks.filter((x) => x.task_id !== 'review'))
      expect(t).toMatchObject({
        status: 'skipped',
        reason: expect.stringContaining(`took longer than ${MATCH_TIME_LIMIT_MS} ms`),
      });
  });
});
