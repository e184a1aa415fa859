import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { RunDetail, TaskRun } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

/** A run whose task `a` is held running, so the run stays open while tasks are added. */
async function openRun(plan: Record<string, unknown> = {}) {
  const exec = controlledExecutor();
  app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
  const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 10 }], {
    plan_id: 'p',
    tasks: [task('a')],
    ...plan,
  });
  await eventually(() => exec.running.has('a'), 2_000, 'a running');
  return { exec, run };
}

const add = (run_id: string, t: Record<string, unknown>, actor = 'scout (MCP)') =>
  app.dispatch('runs.addTask', { run_id, actor, task: { required_skills: ['x'], ...t } });

describe('runs.addTask', () => {
  it('adds a task to a running run: it waits for its dependencies, runs, and its audit entry names who added it', async () => {
    const { exec, run } = await openRun();
    const added = await add(run, { task_id: 'b', description: 'check a', depends_on: ['a'] });
    expect(added).toMatchObject({ ok: true, value: { task_id: 'b', status: 'blocked' } });
    exec.running.get('a')!.finish('A');
    await eventually(() => exec.running.has('b'), 2_000, 'b running');
    exec.running.get('b')!.finish('B');
    expect((await app.engine.whenSettled(run)).status).toBe('completed');
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(detail.tasks.map((t) => [t.task_id, t.status])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
    ]);
    expect(detail.added_tasks).toEqual([expect.objectContaining({ task_id: 'b', depends_on: ['a'] })]);
    const audit = await call<AuditEntry[]>(app, 'audit.list', { run_id: run, task_id: 'b' });
    expect(audit[0]).toMatchObject({
      actor: 'scout (MCP)',
      to_status: 'blocked',
      why: 'added by scout (MCP)',
    });
  });

  it('refuses a taken id, an unknown dependency, the same task twice and more than the cap, naming why', async () => {
    const { run } = await openRun({ decider: { kind: 'rules', max_created_tasks: 2 } });
    expect(await add(run, { task_id: 'a', description: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { issues: [{ path: 'task.task_id' }] } },
    });
    expect(await add(run, { task_id: 'b', description: 'x', depends_on: ['a', 'nope'] })).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: `task "b" cannot be added to run "${run}": task.depends_on[1]: "nope" is no task of this run`,
      },
    });
    expect((await add(run, { task_id: 'b', description: 'Write the summary' })).ok).toBe(true);
    expect(await add(run, { task_id: 'c', description: '  write the   SUMMARY ' })).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: expect.stringMatching(/the same task was already added once .*a loop$/),
      },
    });
    expect((await add(run, { task_id: 'c', description: 'Check the summary' })).ok).toBe(true);
    expect(await add(run, { task_id: 'd', description: 'One more' })).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: expect.stringContaining(
          '2 tasks were already added to this run, its limit (max_created_tasks)',
        ),
      },
    });
    expect(await add(run, { task_id: 'e', description: '   ' })).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringContaining('task.description: say what the task is to do'),
      },
    });
  });

  it('without a decider, the cap is the decider default (20), counted over the tasks added so far', async () => {
    const { run } = await openRun();
    for (let i = 1; i <= 20; i++)
      expect((await add(run, { task_id: `t${i}`, description: `step ${i}` })).ok).toBe(true);
    expect(await add(run, { task_id: 't21', description: 'step 21' })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringContaining('20 tasks were already added') },
    });
  });

  it("counts against the decider's cap: the tasks added by either share it", async () => {
    const exec = controlledExecutor();
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      decider: { kind: 'rules', max_created_tasks: 1 },
      tasks: [task('a')],
    });
    await eventually(() => exec.running.has('a'), 2_000, 'a running');
    expect((await add(run, { task_id: 'b', description: 'x' })).ok).toBe(true);
    const again = await add(run, { task_id: 'c', description: 'y' });
    expect(again).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('1 tasks were already added') },
    });
  });

  it('refuses a run that has ended, and one this process does not execute', async () => {
    const { exec, run } = await openRun();
    exec.running.get('a')!.finish('A');
    await app.engine.whenSettled(run);
    expect(await add(run, { task_id: 'b', description: 'late' })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: `run "${run}" already completed` },
    });
    expect(await add('run-nope', { task_id: 'b', description: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const tasks = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(tasks.tasks.map((t: TaskRun) => t.task_id)).toEqual(['a']);
  });
});
