import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { AgentExecutionStats } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp | undefined;
let dir: string | undefined;
afterEach(() => {
  app?.close();
  app = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The app on a real data directory (a SQLite file), with an echo executor the test drives. */
function open(exec = controlledExecutor()) {
  dir = mkdtempSync(join(tmpdir(), 'baton-agents-'));
  app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
  return app;
}

const HAL = { id: 'hal', name: 'Hal', skills: ['x'], charter: { mission: 'Open the pod bay doors' } };

describe('agents.create', () => {
  it('refuses an id that exists, on the id field, and leaves that agent as it was', async () => {
    const app = open();
    await call(app, 'agents.create', HAL);
    const again = await app.dispatch('agents.create', { id: 'hal', skills: ['y'] });
    expect(again).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: 'An agent with id hal already exists — edit it instead',
        details: {
          issues: [{ path: 'id', message: 'An agent with id hal already exists — edit it instead' }],
        },
      },
    });
    const [hal] = await call<Agent[]>(app, 'agents.list', {});
    expect(hal).toMatchObject({ ...HAL, charter: { mission: 'Open the pod bay doors' } });
    // agents.save still replaces, as editing should.
    await call(app, 'agents.save', { ...hal, name: 'HAL 9000' });
    expect((await call<Agent[]>(app, 'agents.list', {}))[0]!.name).toBe('HAL 9000');
  });

  it('adds exactly one of two adds of the same new id sent together', async () => {
    const app = open();
    const results = await Promise.all([
      app.dispatch('agents.create', { id: 'twin', name: 'first' }),
      app.dispatch('agents.create', { id: 'twin', name: 'second' }),
    ]);
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    const winner = results.findIndex((r) => r.ok) === 0 ? 'first' : 'second';
    expect((await call<Agent[]>(app, 'agents.list', {}))[0]!.name).toBe(winner);
  });
});

describe('agents.remove', () => {
  it('refuses while the agent holds a task in progress, naming it, and removes it after', async () => {
    const app = open();
    const run = await setup(app, [{ ...HAL, kind: 'human' }], { plan_id: 'p', tasks: [task('t')] });
    await call(app, 'work.execute', { agent_id: 'hal', run_id: run, task_id: 't' });
    const refused = await app.dispatch('agents.remove', { agent_id: 'hal' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { in_progress: [{ run_id: run, task_id: 't' }] } },
    });
    expect(refused.ok || refused.error.message).toContain('hal is working on 1 task (t)');
    expect(await call<Agent[]>(app, 'agents.list', {})).toHaveLength(1);

    await call(app, 'work.complete', { agent_id: 'hal', run_id: run, task_id: 't', status: 'completed' });
    expect(await call(app, 'agents.remove', { agent_id: 'hal' })).toEqual({ removed: true });
    expect(await call(app, 'agents.remove', { agent_id: 'hal' })).toEqual({ removed: false });
    expect(await call<Agent[]>(app, 'agents.list', {})).toEqual([]);
  });
});

describe('agent statistics after a re-run', () => {
  it('count the tasks a re-run reused once, as the attempts they were', async () => {
    let failB = true;
    const app = open(
      controlledExecutor((ctx) =>
        ctx.task.task_id === 'b' && failB ? { ok: false, error: 'flaky' } : { ok: true },
      ),
    );
    const first = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 4 }], {
      plan_id: 'p',
      tasks: [task('a'), task('b', { depends_on: ['a'] })],
    });
    await app.engine.whenSettled(first);
    failB = false;
    const again = await call<{ run_id: string }>(app, 'runs.rerun', { run_id: first, task_id: 'b' });
    await app.engine.whenSettled(again.run_id);
    // a ran once (reused by the re-run), b failed once and then completed: 3 attempts.
    expect(await call<AgentExecutionStats>(app, 'work.stats', { agent_id: 'w' })).toMatchObject({
      total: 3,
      completed: 2,
      failed: 1,
      cancelled: 0,
      in_progress: 0,
      success_rate: 66.67,
    });
  });
});
