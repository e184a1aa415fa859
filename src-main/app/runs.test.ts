import { afterEach, describe, expect, it } from 'vitest';
import type { RunWaiting } from '../../src-shared/contract/domains/runs.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

describe('runs.waiting', () => {
  it('says whether the run goes on here, and lists its open tasks once only people can move it on', async () => {
    const exec = controlledExecutor();
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('build'), task('deploy', { depends_on: ['build'], requires_approval: true })],
    });
    const waiting = () => call<RunWaiting>(app, 'runs.waiting', { run_id: run });
    // An attempt runs here: the run goes on by itself.
    await eventually(() => exec.running.has('build'), 2_000, 'build running');
    expect(await waiting()).toEqual({ executing_here: true, waiting_for_people: null });
    exec.running.get('build')!.finish();
    // Now only a person's approval moves it on.
    await eventually(async () => (await waiting()).waiting_for_people !== null, 2_000, 'waiting for people');
    expect((await waiting()).waiting_for_people).toEqual([
      expect.objectContaining({ task_id: 'deploy', status: 'awaiting_approval' }),
    ]);
    const [approval] = await call<{ id: string }[]>(app, 'approvals.list', { status: 'pending' });
    await call(app, 'approvals.decide', { approval_id: approval!.id, decision: 'reject', actor: 'ana' });
    await app.engine.whenSettled(run);
    // A run's approvals, decided ones too (the timeline draws each wait for a person).
    expect(await call<{ id: string; status: string }[]>(app, 'approvals.list', { run_id: run })).toEqual([
      expect.objectContaining({ id: approval!.id, status: 'rejected', task_id: 'deploy' }),
    ]);
    expect(await call(app, 'approvals.list', { run_id: 'other', status: 'rejected' })).toEqual([]);
    expect(await call(app, 'approvals.list', { run_id: run, status: 'pending' })).toEqual([]);
    expect(await waiting()).toEqual({ executing_here: false, waiting_for_people: null });
    expect(await app.dispatch('runs.waiting', { run_id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
