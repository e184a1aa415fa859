import { afterEach, expect, it } from 'vitest';
import type { PlanSpend } from '../../src-shared/contract/domains/plans.ts';
import { costWords } from '../../src-shared/schemas/plain/run.ts';
import type { RunDetail, SpendReport } from '../../src-shared/schemas/run.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import { call, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import type { Executor } from './executor.ts';

// Spend Baton could not see is unknown, never $0: a usage step without a USD figure (an answer
// whose usage could not be read, a model without a price, an agent that never reported) is
// charged as a call of unknown cost beside what is known, in the task's cost, the run's
// transactions and `runs.spend`, `plans.spend`; a task whose whole spend is unknown has a
// transaction too, and is not charged its estimate as though that were what it spent.

let app: BatonApp | undefined;
afterEach(() => app?.close());

const at = () => new Date().toISOString();
const usage = (seq: number, cost_usd: number | null): Step => ({
  kind: 'usage',
  seq,
  at: at(),
  model: 'm',
  input_tokens: 10,
  output_tokens: 5,
  cached_input_tokens: 0,
  cost_usd,
  cost_source: cost_usd === null ? 'unknown' : 'priced',
  duration_ms: null,
});

it('a task’s cost, runs.spend and plans.spend say what is known and how much is not, never $0', async () => {
  const executor: Executor = {
    usesWorkspace: false,
    async *start(ctx) {
      const id = ctx.task.task_id;
      // `partial`: one call priced, one unknown; `blind`: nothing known; `failing`: unknown, then fails.
      if (id === 'partial') {
        yield { type: 'step', step: usage(0, 1.2) };
        yield { type: 'step', step: usage(1, null) };
      } else yield { type: 'step', step: usage(0, null) };
      if (id === 'failing') yield { type: 'error', message: 'gave up' };
      else yield { type: 'result', output: 'ok' };
    },
  };
  app = createApp({ dataDir: ':memory:', log: () => {}, executors: { echo: executor } });
  const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
    plan_id: 'p',
    budget: 10,
    tasks: [task('partial'), task('blind', { estimated_cost: 3 }), task('failing')],
  });
  await app.engine.whenSettled(run);

  const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
  const cost = Object.fromEntries(detail.tasks.map((t) => [t.task_id, [t.cost, t.cost_unknown]]));
  expect(cost).toEqual({ partial: [1.2, 1], blind: [0, 1], failing: [0, 1] });
  const usd = (n: number) => `$${n.toFixed(2)}`;
  expect(detail.tasks.map((t) => costWords(t.cost, t.cost_unknown, usd))).toEqual([
    '$1.20 + unknown',
    'unknown',
    'unknown',
  ]);

  const spend = await call<SpendReport>(app, 'runs.spend', { scope: 'run', id: run });
  expect(spend).toMatchObject({ spent: 1.2, unknown: 3, budget: 10 });
  expect(costWords(spend.spent, spend.unknown, usd)).toBe('$1.20 + unknown');
  expect(spend.transactions.map((x) => [x.task_id, x.amount, x.unknown]).sort()).toEqual([
    ['blind', 0, 1],
    ['failing', 0, 1],
    ['partial', 1.2, 1],
  ]);
  const plan = await call<PlanSpend>(app, 'plans.spend', { plan_id: 'p' });
  expect(plan).toMatchObject({ spent: 1.2, unknown: 3, unknown_latest_run: 3, unknown_all_runs: 3 });
});
