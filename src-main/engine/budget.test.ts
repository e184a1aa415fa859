import { afterEach, describe, expect, it } from 'vitest';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

const detail = (run: string) => call<RunDetail>(app, 'runs.get', { run_id: run });
const statusOf = async (run: string, taskId: string) =>
  (await detail(run)).tasks.find((t) => t.task_id === taskId)?.status;

describe('budgets', () => {
  it('never holds a task that costs nothing: a person takes it with the budget used up (issue 17 B3)', async () => {
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
});
