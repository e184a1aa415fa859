import { afterEach, describe, expect, it } from 'vitest';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

// The budget an attempt is held to at each model turn (`TaskContext.budgetPassed`): an `llm`
// agent's executor, driven by the test, asks as the tool loop and a coding CLI's metering
// endpoint do, and reports its spend as usage steps.
let app: BatonApp;
afterEach(() => app?.close());

const AT = '2026-11-21T10:00:00.000Z';
const spent = (seq: number, usd: number): Step => ({
  kind: 'usage',
  seq,
  at: AT,
  model: 'm',
  input_tokens: 1_000,
  output_tokens: 10,
  cached_input_tokens: 0,
  cost_usd: usd,
  cost_source: 'priced',
  duration_ms: 5,
});
const llm = (id: string, skills = ['x']) => ({
  id,
  kind: 'llm' as const,
  skills,
  max_concurrency: 4,
  base_url: 'http://127.0.0.1:9/v1',
  model: 'm',
});
const detail = (run: string) => call<RunDetail>(app, 'runs.get', { run_id: run });
const taskOf = async (run: string, id: string) => (await detail(run)).tasks.find((t) => t.task_id === id)!;

describe('a budget passed while attempts run', () => {
  it("stops an attempt at its next model turn, counting the other running attempts' spend; its task waits for approval", async () => {
    const exec = controlledExecutor();
    app = createApp({ dataDir: ':memory:', executors: { llm: exec.executor }, log: () => {} });
    const run = await setup(app, [llm('bot')], { plan_id: 'p', budget: 10, tasks: [task('a'), task('b')] });
    await eventually(() => exec.running.size === 2);
    const a = exec.running.get('a')!;
    const b = exec.running.get('b')!;
    // a spends 6, stored as it goes: b sees it before a ends (nothing is charged yet).
    a.emit({ type: 'step', step: spent(0, 6) });
    await eventually(
      async () => (await call<Step[]>(app, 'runs.steps', { run_id: run, task_id: 'a' })).length === 1,
    );
    expect(b.ctx.budgetPassed?.(3)).toBeNull();
    const why = b.ctx.budgetPassed?.(4.5);
    expect(why).toBe(
      'the plan budget of 10 for this run is used up (spent 10.5: 0 charged, 10.5 by attempts still running)',
    );
    // The attempt stops with what it was told; what it spent is charged.
    b.emit({ type: 'step', step: spent(0, 4.5) });
    b.fail(`stopped: ${why}`);
    await eventually(async () => (await taskOf(run, 'b')).status === 'awaiting_approval');
    const [approval] = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
    expect(approval).toMatchObject({ task_id: 'b', kind: 'budget', reason: why });
    expect((await taskOf(run, 'b')).cost).toBe(4.5);
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: run, task_id: 'b' });
    expect(attempts[0]).toMatchObject({ attempt: 1, outcome: 'failed', error: `stopped: ${why}` });
    // a, told the same at its next turn (its own 6 and b's charged 4.5), stops too.
    expect(a.ctx.budgetPassed?.(6)).toBe(
      'the plan budget of 10 for this run is used up (spent 10.5: 4.5 charged, 6 by attempts still running)',
    );
    // A person lets b go on past the budget: its next attempt is not held to it.
    await call(app, 'approvals.decide', { approval_id: approval!.id, decision: 'approve', actor: 'ana' });
    await eventually(() => exec.started.includes('b#2'));
    expect(exec.running.get('b')!.ctx.budgetPassed).toBeUndefined();
  });

  it('a project budget holds the attempts of every run of its plans', async () => {
    const exec = controlledExecutor();
    app = createApp({ dataDir: ':memory:', executors: { llm: exec.executor }, log: () => {} });
    await call(app, 'projects.save', { id: 'prj', name: 'Project', budget: 5 });
    await call(app, 'agents.import', { agents: [llm('bot')] });
    await call(app, 'plans.import', { plan: { plan_id: 'p', project_id: 'prj', tasks: [task('a')] } });
    const first = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' })).run_id;
    await eventually(() => exec.running.size === 1);
    exec.running.get('a')!.emit({ type: 'step', step: spent(0, 3) });
    await eventually(
      async () => (await call<Step[]>(app, 'runs.steps', { run_id: first, task_id: 'a' })).length === 1,
    );
    const second = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' })).run_id;
    await eventually(() => exec.started.length === 2);
    const other = exec.running.get('a')!;
    expect(other.ctx.run_id).toBe(second);
    expect(other.ctx.budgetPassed?.(2)).toBe(
      'the project budget of 5 is used up (spent 5: 0 charged, 5 by attempts still running)',
    );
  });

  it('is not asked of agents without model turns, nor without a budget', async () => {
    const exec = controlledExecutor();
    app = createApp({
      dataDir: ':memory:',
      executors: { llm: exec.executor, echo: exec.executor },
      log: () => {},
    });
    await call(app, 'agents.import', { agents: [llm('bot'), { id: 'e', skills: ['y'] }] });
    await call(app, 'plans.import', {
      plan: { plan_id: 'p', budget: 10, tasks: [task('a'), task('b', { required_skills: ['y'] })] },
    });
    await call(app, 'plans.import', { plan: { plan_id: 'free', tasks: [task('c')] } });
    await call(app, 'runs.start', { plan_id: 'p' });
    await call(app, 'runs.start', { plan_id: 'free' });
    await eventually(() => exec.running.size === 3);
    expect(exec.running.get('a')!.ctx.budgetPassed).toBeTypeOf('function');
    expect(exec.running.get('b')!.ctx.budgetPassed).toBeUndefined();
    expect(exec.running.get('c')!.ctx.budgetPassed).toBeUndefined();
  });
});
