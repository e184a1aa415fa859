import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../src-shared/schemas/agent.ts';
import type { AgentExecutionStats } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import { EventBus } from '../events/event-bus.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';
import { createInProcessClient } from './memory-transport.ts';

let app: BatonApp | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.close();
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

/** The app closed and started again on the same data directory, as after a restart. */
function reopen(exec = controlledExecutor()) {
  app?.close();
  app = createApp({ dataDir: dir!, executors: { echo: exec.executor }, log: () => {} });
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
    // The check looks at the tasks the agent holds, not at the whole inbox of work it could take.
    const inbox = vi.spyOn(app.engine.work, 'inbox');
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
    expect(inbox).not.toHaveBeenCalled();
  });

  it('refuses while an agent this process runs has tasks in flight, naming them all', async () => {
    const exec = controlledExecutor();
    const app = open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 2 }], {
      plan_id: 'p',
      tasks: [task('a'), task('b')],
    });
    await eventually(() => exec.running.size === 2, 5_000, 'both tasks running');
    const refused = await app.dispatch('agents.remove', { agent_id: 'w' });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message:
          'w is working on 2 tasks (a, b). Wait for them to end or cancel them, then remove w; ' +
          'set it OFFLINE to stop new work.',
        details: {
          in_progress: [
            { run_id: run, task_id: 'a' },
            { run_id: run, task_id: 'b' },
          ],
        },
      },
    });

    await call(app, 'runs.cancelTask', { run_id: run, task_id: 'a' });
    const one = await app.dispatch('agents.remove', { agent_id: 'w' });
    expect(one.ok || one.error.message).toContain(
      'w is working on 1 task (b). Wait for it to end or cancel it',
    );
    exec.running.get('b')!.finish();
    await app.engine.whenSettled(run);
    expect(await call(app, 'agents.remove', { agent_id: 'w' })).toEqual({ removed: true });
  });

  it('refuses after a restart while a person still holds the task taken before it', async () => {
    const first = open();
    const run = await setup(first, [{ ...HAL, kind: 'human' }], { plan_id: 'p', tasks: [task('t')] });
    await call(first, 'work.execute', { agent_id: 'hal', run_id: run, task_id: 't' });
    const app = reopen();
    const refused = await app.dispatch('agents.remove', { agent_id: 'hal' });
    expect(refused.ok || refused.error.message).toContain('hal is working on 1 task (t)');
    await call(app, 'work.complete', { agent_id: 'hal', run_id: run, task_id: 't', status: 'completed' });
    expect(await call(app, 'agents.remove', { agent_id: 'hal' })).toEqual({ removed: true });
  });

  it('tells every subscriber the agent is gone, and nothing when nothing was removed', async () => {
    const app = open();
    await call(app, 'agents.create', HAL);
    const client = createInProcessClient(app);
    const removed: { id: string }[] = [];
    client.on('agent.removed', (e) => removed.push(e));
    expect(await call(app, 'agents.remove', { agent_id: 'nobody' })).toEqual({ removed: false });
    expect(await call(app, 'agents.remove', { agent_id: 'hal' })).toEqual({ removed: true });
    await eventually(() => removed.length > 0, 5_000, 'the removal event');
    expect(removed).toEqual([{ id: 'hal' }]);
    client.close();
  });

  it('keeps an update and a removal of one agent in the order they happened within a batch', () => {
    const bus = new EventBus();
    const batches: EventBatch[] = [];
    bus.subscribe((b) => batches.push(b));
    const hal = agentSchema.parse(HAL);
    bus.emit('agent.updated', hal);
    bus.emit('agent.removed', { id: 'hal' });
    bus.flush();
    // Added back after its removal: the update comes last, so a window shows it again.
    bus.emit('agent.removed', { id: 'hal' });
    bus.emit('agent.updated', hal);
    bus.flush();
    expect(batches.map((b) => b.map((e) => e.name))).toEqual([
      ['agent.updated', 'agent.removed'],
      ['agent.removed', 'agent.updated'],
    ]);
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
