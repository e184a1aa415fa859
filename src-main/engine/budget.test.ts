import { afterEach, describe, expect, it } from 'vitest';
import type { PlanSpend } from '../../src-shared/contract/domains/plans.ts';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { RunDetail, SpendReport } from '../../src-shared/schemas/run.ts';
import { call, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

const detail = (run: string) => call<RunDetail>(app, 'runs.get', { run_id: run });
const statusOf = async (run: string, taskId: string) =>
  (await detail(run)).tasks.find((t) => t.task_id === taskId)?.status;

describe('budgets', () => {
  it('never holds a task that costs nothing: a person takes it with the budget used up', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    // The echo agent spends the whole budget; the person's task has no estimate and they no cost.
    const run = await setup(
      app,
      [
        { id: 'bot', skills: ['x'], cost_per_task: 0 },
        { id: 'ana', kind: 'human', skills: ['sign'] },
      ],
      {
        plan_id: 'p',
        budget: 5,
        tasks: [
          task('spend', { estimated_cost: 5 }),
          task('sign', { required_skills: ['sign'], depends_on: ['spend'] }),
          task('after', { depends_on: ['sign'] }),
        ],
      },
    );
    await eventually(async () => (await statusOf(run, 'spend')) === 'done');
    const taken = await call<{ status: string }>(app, 'work.execute', {
      agent_id: 'ana',
      run_id: run,
      task_id: 'sign',
    });
    expect(taken.status).toBe('in_progress');
    expect(await statusOf(run, 'sign')).toBe('in_progress');
    expect(await call<Approval[]>(app, 'approvals.list', { status: 'pending' })).toEqual([]);
    await call(app, 'work.complete', {
      agent_id: 'ana',
      run_id: run,
      task_id: 'sign',
      status: 'completed',
      output: { signed: true },
    });
    // The echo agent's own task after it costs nothing either (no estimate, no cost per task,
    // and echo reports no usage): it runs too.
    await eventually(async () => (await detail(run)).status !== 'executing');
    expect((await detail(run)).status).toBe('completed');
    expect(await call<Approval[]>(app, 'approvals.list', {})).toEqual([]);
  });

  describe('scope: what a plan budget caps, each run or all its runs', () => {
    const plan = (extra: Record<string, unknown> = {}) => ({
      plan_id: 'p',
      budget: 10,
      ...extra,
      tasks: [task('a', { estimated_cost: 6 })],
    });
    /** Runs the plan to its end, or until a task waits for approval; answers the run's status. */
    const runOnce = async () => {
      const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
      await eventually(async () => {
        const d = await detail(run_id);
        return d.status !== 'executing' || d.tasks.some((t) => t.status === 'awaiting_approval');
      });
      return run_id;
    };
    const open = async (p: Record<string, unknown>) => {
      app = createApp({ dataDir: ':memory:', log: () => {} });
      await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
      await call(app, 'plans.import', { plan: p });
    };

    it('a plan without budget_scope gives each run the whole budget: a re-run does not wait', async () => {
      await open(plan());
      const first = await runOnce();
      const second = await runOnce();
      expect((await detail(first)).status).toBe('completed');
      expect((await detail(second)).status).toBe('completed');
      expect(await call<Approval[]>(app, 'approvals.list', {})).toEqual([]);
      // Spend against it, where the designer shows the budget: the latest run's, and all runs'.
      expect(await call<PlanSpend>(app, 'plans.spend', { plan_id: 'p' })).toEqual({
        plan_id: 'p',
        budget: 10,
        budget_scope: 'run',
        spent: 6,
        unknown: 0,
        remaining: 4,
        run_id: second,
        spent_latest_run: 6,
        unknown_latest_run: 0,
        spent_all_runs: 12,
        unknown_all_runs: 0,
      });
      const run = await call<SpendReport>(app, 'runs.spend', { scope: 'run', id: second });
      expect(run).toMatchObject({ spent: 6, budget: 10, remaining: 4 });
      // Across runs is not what this budget caps.
      expect(await call<SpendReport>(app, 'runs.spend', { scope: 'plan', id: 'p' })).toMatchObject({
        spent: 12,
        budget: null,
      });
    });

    it('budget_scope "plan" makes its runs share the budget: the second run waits for approval', async () => {
      await open(plan({ budget_scope: 'plan' }));
      const first = await runOnce();
      expect((await detail(first)).status).toBe('completed');
      const second = await runOnce();
      const [waiting] = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
      expect(waiting).toMatchObject({ run_id: second, task_id: 'a', kind: 'budget', cost: 6 });
      expect(waiting!.reason).toBe(
        'cost 6 would pass the plan budget of 10 across its runs (spent 6, in flight 0)',
      );
      expect(await call<PlanSpend>(app, 'plans.spend', { plan_id: 'p' })).toMatchObject({
        budget_scope: 'plan',
        spent: 6,
        remaining: 4,
        run_id: second,
        spent_latest_run: 0,
        spent_all_runs: 6,
      });
      expect(await call<SpendReport>(app, 'runs.spend', { scope: 'plan', id: 'p' })).toMatchObject({
        spent: 6,
        budget: 10,
      });
    });

    it('refuses an unknown scope, naming the field', async () => {
      app = createApp({ dataDir: ':memory:', log: () => {} });
      const report = await call<{ ok: boolean; issues: { path: string; message: string }[] }>(
        app,
        'plans.validate',
        { plan: plan({ budget_scope: 'month' }) },
      );
      expect(report.ok).toBe(false);
      expect(report.issues).toEqual([
        {
          path: 'budget_scope',
          message: 'must be "run" (each run may spend the budget) or "plan" (all runs share it)',
        },
      ]);
      expect(await call<PlanSpend>(app, 'plans.spend', { plan_id: 'p' }).catch((e: Error) => e.message)).toBe(
        'plan "p" not found',
      );
    });
  });
});
