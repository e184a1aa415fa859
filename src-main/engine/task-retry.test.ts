import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { RunDetail, TaskAttempt, TaskRun } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

const detail = (run: string) => call<RunDetail>(app, 'runs.get', { run_id: run });
const statuses = async (run: string) =>
  Object.fromEntries((await detail(run)).tasks.map((t) => [t.task_id, t.status]));
/** A call's error message, or 'ok'. */
const refusal = async (method: string, input: unknown) => {
  const r = await app.dispatch(method, input);
  return r.ok ? 'ok' : `${r.error.code}: ${r.error.message}`;
};

/** `a` fails; `b` after it is skipped; `long` holds the run open. */
const open = async (extra: ReturnType<typeof task>[] = []) => {
  const exec = controlledExecutor(() => 'hold');
  app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
  const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 5 }], {
    plan_id: 'p',
    tasks: [
      task('a'),
      task('b', { depends_on: ['a'] }),
      task('c', { depends_on: ['b'] }),
      task('long'),
      ...extra,
    ],
  });
  await eventually(() => exec.running.has('a') && exec.running.has('long'));
  exec.running.get('a')!.fail('the disk was full');
  await eventually(async () => (await statuses(run)).c === 'skipped');
  return { exec, run };
};

describe('retrying a failed task inside its running run', () => {
  it('runs it again in place, its skipped dependents wait again and then run; every move audited', async () => {
    const { exec, run } = await open();
    expect(await statuses(run)).toEqual({ a: 'failed', b: 'skipped', c: 'skipped', long: 'in_progress' });
    const retried = await call<TaskRun>(app, 'runs.retryTask', { run_id: run, task_id: 'a', actor: 'ana' });
    expect(retried.status).toBe('ready');
    await eventually(() => exec.started.includes('a#2'));
    expect(await statuses(run)).toEqual({
      a: 'in_progress',
      b: 'blocked',
      c: 'blocked',
      long: 'in_progress',
    });
    exec.running.get('a')!.finish();
    await eventually(() => exec.running.has('b'));
    exec.running.get('b')!.finish();
    await eventually(() => exec.running.has('c'));
    exec.running.get('c')!.finish();
    exec.running.get('long')!.finish();
    await eventually(async () => (await detail(run)).status !== 'executing');
    // The failure no longer counts: every task is done.
    expect((await detail(run)).status).toBe('completed');
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: run, task_id: 'a' });
    expect(attempts.map((a) => [a.attempt, a.outcome, a.error])).toEqual([
      [1, 'failed', 'the disk was full'],
      [2, 'done', null],
    ]);
    const audit = await call<AuditEntry[]>(app, 'audit.list', { run_id: run, actor: 'ana' });
    expect(audit.map((e) => [e.entity_id, e.from_status, e.to_status, e.why]).sort()).toEqual([
      ['a', 'failed', 'ready', 'retried by ana (it was failed)'],
      ['b', 'skipped', 'blocked', 'waiting again: "a" is retried'],
      ['c', 'skipped', 'blocked', 'waiting again: "a" is retried'],
    ]);
  });

  it('a dependent skipped for another reason is skipped again', async () => {
    const { exec, run } = await open([
      task('d', { depends_on: ['a', 'gone'] }),
      task('gone', { agent: 'nobody' }),
    ]);
    await eventually(async () => (await statuses(run)).d === 'skipped');
    await call(app, 'runs.retryTask', { run_id: run, task_id: 'a' });
    await eventually(() => exec.started.includes('a#2'));
    const now = await statuses(run);
    expect([now.b, now.c, now.d, now.gone]).toEqual(['blocked', 'blocked', 'skipped', 'unassigned']);
  });

  it('leaves a task a person rejected skipped: their decision stands', async () => {
    const { exec, run } = await open([
      task('notify', {
        depends_on: ['a'],
        condition: { dependencies: { a: ['failed'] } },
        requires_approval: true,
      }),
    ]);
    await eventually(async () => (await statuses(run)).notify === 'awaiting_approval');
    const [approval] = await call<{ id: string }[]>(app, 'approvals.list', { status: 'pending' });
    await call(app, 'approvals.decide', { approval_id: approval!.id, decision: 'reject', actor: 'ana' });
    await call(app, 'runs.retryTask', { run_id: run, task_id: 'a', actor: 'bo' });
    await eventually(() => exec.started.includes('a#2'));
    exec.running.get('a')!.finish();
    await eventually(() => exec.running.has('b'));
    expect((await statuses(run)).notify).toBe('skipped');
    const moves = await call<AuditEntry[]>(app, 'audit.list', { run_id: run, task_id: 'notify' });
    expect(moves.map((e) => e.to_status)).not.toContain('blocked');
  });

  it('is refused where it makes no sense, saying what to do instead', async () => {
    const { exec, run } = await open([
      task('cleanup', { depends_on: ['a'], condition: { dependencies: { a: ['failed'] } } }),
    ]);
    await eventually(() => exec.running.has('cleanup'));
    exec.running.get('cleanup')!.finish();
    await eventually(async () => (await statuses(run)).cleanup === 'done');
    expect(await refusal('runs.retryTask', { run_id: run, task_id: 'a' })).toBe(
      'conflict: task "cleanup" after "a" is already done: a retry in this run cannot undo it; re-run from "a" once the run has ended',
    );
    expect(await refusal('runs.retryTask', { run_id: run, task_id: 'long' })).toBe(
      'conflict: task "long" is in_progress: only a failed or unassigned task can be retried',
    );
    expect(await refusal('runs.retryTask', { run_id: run, task_id: 'nope' })).toBe(
      'not_found: Task not found: nope',
    );
    // Nothing moved.
    expect((await statuses(run)).a).toBe('failed');
    exec.running.get('long')!.finish();
    await eventually(async () => (await detail(run)).status !== 'executing');
    expect(await refusal('runs.retryTask', { run_id: run, task_id: 'a' })).toBe(
      `conflict: run "${run}" already failed: re-run it from "a" instead`,
    );
  });
});
