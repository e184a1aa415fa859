import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../../../src-shared/contract/events.ts';
import type { Notification, NotificationSettings } from '../../../src-shared/schemas/notification.ts';
import type { RunDetail } from '../../../src-shared/schemas/run.ts';
import { call, eventually, setup, task } from '../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';

let dir: string;
const apps: BatonApp[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('notifications', () => {
  it('tells windows about approvals, budgets and runs that end, from any process, as far as settings allow', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-notify-'));
    const app = createApp({ dataDir: dir, log: () => {}, reach: { enabled: false } });
    apps.push(app);
    const told: Notification[] = [];
    app.bus.subscribe((batch: EventBatch) => {
      for (const e of batch) if (e.name === 'notification') told.push(e.payload);
    });
    // Another process (a baton run) does the work: the window's process still hears of it.
    const other = createApp({ dataDir: dir, log: () => {}, reach: { enabled: false } });
    apps.push(other);
    const ok = await setup(other, [{ id: 'w', skills: ['x'] }], { plan_id: 'fine', tasks: [task('a')] });
    await other.engine.whenSettled(ok);
    const bad = await setup(other, [], {
      plan_id: 'bad',
      tasks: [task('b', { required_skills: ['nobody'] })],
    });
    await other.engine.whenSettled(bad);
    await setup(other, [], {
      plan_id: 'gated',
      budget: 1,
      tasks: [task('g', { requires_approval: true }), task('dear', { estimated_cost: 9 })],
    });
    await eventually(
      async () => (await call<unknown[]>(other, 'approvals.list', { status: 'pending' })).length === 2,
      5_000,
      'approvals',
    );
    app.reach.notifier.look();
    await eventually(() => told.length === 4, 2_000, 'four notifications');
    expect(told.map((n) => n.kind).sort()).toEqual([
      'approval_waiting',
      'budget_exceeded',
      'run_completed',
      'run_failed',
    ]);
    expect(told.find((n) => n.kind === 'run_failed')).toMatchObject({
      title: `Run ${bad} failed`,
      target: { run_id: bad },
    });
    expect(told.find((n) => n.kind === 'approval_waiting')!.target).toMatchObject({
      task_id: 'g',
      approval_id: expect.stringMatching(/^apr/),
    });
    // Turned off, a kind is not told; the setting is stored.
    const settings = await call<NotificationSettings>(app, 'notifications.configure', {
      kind: 'run_completed',
      enabled: false,
    });
    expect(settings).toEqual({
      approval_waiting: true,
      task_waiting: true,
      run_failed: true,
      run_completed: false,
      budget_exceeded: true,
      budget_reached: true,
      agent_limited: true,
      agent_available: true,
    });
    const again = await setup(other, [], { plan_id: 'fine', tasks: [task('a')] });
    await other.engine.whenSettled(again);
    told.length = 0;
    expect(app.reach.notifier.look()).toEqual([]);
    expect(await call(other, 'notifications.settings', {})).toEqual(settings);
    expect(await app.dispatch('notifications.configure', { kind: 'sms', enabled: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('tells of a task waiting in My tasks when only a person can take it, not when an agent takes it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-notify-'));
    const app = createApp({ dataDir: dir, log: () => {}, reach: { enabled: false } });
    apps.push(app);
    const told: Notification[] = [];
    app.bus.subscribe((batch: EventBatch) => {
      for (const e of batch) if (e.name === 'notification') told.push(e.payload);
    });
    app.reach.notifier.look();
    const run = await setup(
      app,
      [
        { id: 'ana', kind: 'human', skills: ['review'] },
        { id: 'bot', skills: ['x'] },
      ],
      {
        plan_id: 'mixed',
        tasks: [task('build'), task('check', { required_skills: ['review'], depends_on: ['build'] })],
      },
    );
    await eventually(
      async () =>
        (await call<RunDetail>(app, 'runs.get', { run_id: run })).tasks.some(
          (t) => t.task_id === 'check' && t.status === 'ready',
        ),
      5_000,
      'check ready',
    );
    app.reach.notifier.look();
    await eventually(() => told.length > 0, 2_000, 'a notification');
    expect(told.map((n) => [n.kind, n.target.task_id])).toEqual([['task_waiting', 'check']]);
    expect(told[0]).toMatchObject({ title: 'Task check waits in My tasks', target: { run_id: run } });
    // A run's first task is ready from its start (no entry of its own): told from the run's start.
    told.length = 0;
    const solo = await setup(app, [], {
      plan_id: 'solo',
      tasks: [task('first', { required_skills: ['review'] })],
    });
    app.reach.notifier.look();
    await eventually(() => told.length > 0, 2_000, 'a notification');
    expect(told).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^audit-\d+-first$/),
        kind: 'task_waiting',
        target: { run_id: solo, approval_id: null, task_id: 'first' },
      }),
    ]);
  });
});

describe('the notifier on a long stretch of the audit log', () => {
  it('reads a few batches a turn, so calls go in between, and tells every entry in order', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-notify-'));
    const app = createApp({ dataDir: dir, log: () => {}, reach: { enabled: true, pollMs: 20 } });
    apps.push(app);
    const batches: Notification[][] = [];
    app.bus.subscribe((batch: EventBatch) => {
      const told = batch.flatMap((e) => (e.name === 'notification' ? [e.payload] : []));
      if (told.length > 0) batches.push(told);
    });
    // A thousand runs ended between two looks, as a busy engine writes them.
    const at = new Date().toISOString();
    const ended = Array.from({ length: 1_000 }, (_, i) => ({
      at,
      actor: 'engine',
      entity: 'run' as const,
      entity_id: `r${i}`,
      run_id: `r${i}`,
      from_status: 'executing',
      to_status: 'completed',
      why: 'every task done',
    }));
    app.store.tx(() => app.store.memory.auditMany(ended));
    await eventually(() => batches.flat().length === 1_000, 10_000, 'every run told');
    // Told over several turns of the event loop, not all in one.
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat().map((n) => n.target.run_id)).toEqual(ended.map((e) => e.run_id));
  });
});
