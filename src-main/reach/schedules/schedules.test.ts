import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { Run } from '../../../src-shared/schemas/run.ts';
import type { Schedule } from '../../../src-shared/schemas/schedule.ts';
import { call, eventually, task } from '../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';
import { Scheduler } from './scheduler.ts';

let dir: string;
let now: number;
const apps: BatonApp[] = [];
// Each app looks only when the test says (step); the clock is the test's.
const open = (graceMs = 1_000) => {
  const app = createApp({
    dataDir: dir,
    clock: { now: () => now },
    // No executor for echo: runs stay executing until their task is pulled, so overlaps can be seen.
    executors: { echo: undefined },
    log: () => {},
    // Leases outlast the test's jumps of the clock (a live holder renews its lease every look).
    reach: { enabled: false, scheduleGraceMs: graceMs, leaseTtlMs: 86_400_000 },
  });
  apps.push(app);
  return app;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-schedules-'));
  now = Date.parse('2026-03-28T10:00:30Z');
});
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
  rmSync(dir, { recursive: true, force: true });
});

const plan = {
  plan_id: 'report',
  run_inputs: { region: { type: 'string', required: true } },
  tasks: [task('gather')],
};
async function withPlan(app: BatonApp) {
  await call(app, 'agents.import', { agents: [{ id: 'd', skills: ['x'] }] });
  await call(app, 'plans.import', { plan });
}
const runs = (app: BatonApp) => call<Run[]>(app, 'runs.list', { plan_id: 'report' });
const fires = (app: BatonApp) => call<AuditEntry[]>(app, 'audit.list', { entity: 'schedule' });

describe('schedules', () => {
  it("shows next fire times in the schedule's zone, daylight saving included, and refuses bad input by field", async () => {
    const app = open();
    await withPlan(app);
    const s = await call<Schedule>(app, 'schedules.add', {
      id: 'morning',
      plan_id: 'report',
      cron: '0 9 * * *',
      timezone: 'Europe/Paris',
      inputs: { region: 'eu' },
    });
    // Paris moves to summer time on 29 March 2026: 09:00 is 08:00 UTC, then 07:00 UTC.
    expect(s.next_fires).toEqual([
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
      '2026-04-01T07:00:00.000Z',
      '2026-04-02T07:00:00.000Z',
    ]);
    expect(
      (
        await call<{ next_fires: string[] }>(app, 'schedules.preview', {
          cron: '0 9 * * *',
          timezone: 'Europe/Paris',
          count: 1,
        })
      ).next_fires,
    ).toEqual(['2026-03-29T07:00:00.000Z']);
    for (const [input, field] of [
      [{ plan_id: 'report', cron: 'every day', inputs: { region: 'eu' } }, 'cron'],
      [
        { plan_id: 'report', cron: '0 9 * * *', timezone: 'Mars/Olympus', inputs: { region: 'eu' } },
        'timezone',
      ],
      [{ plan_id: 'nope', cron: '0 9 * * *' }, 'plan_id'],
      [{ plan_id: 'report', cron: '0 9 * * *' }, 'inputs.region'],
      [{ plan_id: 'report', cron: '0 9 * * *', overlap: 'sometimes', inputs: { region: 'eu' } }, 'overlap'],
    ] as const) {
      const r = await app.dispatch('schedules.add', input);
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', message: expect.stringContaining(field) },
      });
    }
    expect((await call<Schedule[]>(app, 'schedules.list', {})).map((x) => x.id)).toEqual(['morning']);
    expect(
      await app.dispatch('schedules.add', {
        id: 'morning',
        plan_id: 'report',
        cron: '* * * * *',
        inputs: { region: 'x' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('fires once when due, with its inputs, audited; one process holds the duty, and a stale read starts nothing', async () => {
    const a = open();
    const b = open();
    await withPlan(a);
    await call(a, 'schedules.add', {
      id: 's',
      plan_id: 'report',
      cron: '*/5 * * * *',
      inputs: { region: 'eu' },
      overlap: 'allow',
    });
    await a.reach.scheduler.step(); // a takes the schedules duty; nothing is due yet
    expect(await runs(a)).toHaveLength(0);
    now = Date.parse('2026-03-28T10:05:00.200Z');
    const stale = a.reach.scheduler.repo.get('s')!;
    await b.reach.scheduler.step(); // a live process holds the duty: b does nothing
    expect(await runs(a)).toHaveLength(0);
    await a.reach.scheduler.step();
    await a.reach.scheduler.step();
    const started = await runs(a);
    expect(started).toHaveLength(1);
    expect(started[0]!.started_by).toBe('schedule');
    // A look that read the schedule before that fire (a process that slept past its lease) is fenced off.
    await b.reach.scheduler.fire(stale);
    expect(await runs(a)).toHaveLength(1);
    const ctx = await call<{ task: { inputs: unknown } }>(a, 'work.context', {
      agent_id: 'd',
      run_id: started[0]!.id,
      task_id: 'gather',
    });
    expect(ctx.task.inputs).toEqual({ run: { region: 'eu' } });
    const fired = (await fires(a)).filter((e) => e.to_status === 'fired');
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ entity_id: 's', run_id: started[0]!.id, actor: 'scheduler' });
    expect(fired[0]!.why).toContain('fired for 2026-03-28T10:05:00.000Z');
    const [s] = await call<Schedule[]>(a, 'schedules.list', {});
    expect(s!.next_fire_at).toBe('2026-03-28T10:10:00.000Z');
    // a stops (letting the duty go): b takes it over and fires the next one.
    a.close();
    apps.splice(apps.indexOf(a), 1);
    now = Date.parse('2026-03-28T10:10:00.200Z');
    await b.reach.scheduler.step();
    expect(await runs(b)).toHaveLength(2);
  });

  it('overlap: skip drops a fire while the last run executes, queue_one starts one when it ends, allow starts anyway', async () => {
    const app = open();
    await withPlan(app);
    for (const overlap of ['skip', 'queue_one', 'allow'] as const)
      await call(app, 'schedules.add', {
        id: overlap,
        plan_id: 'report',
        cron: '* * * * *',
        inputs: { region: overlap },
        overlap,
      });
    const step = () => app.reach.scheduler.step();
    const byRegion = async () => {
      const counts: Record<string, number> = {};
      for (const r of await runs(app)) {
        const s = (await fires(app)).find((e) => e.run_id === r.id)!.entity_id;
        counts[s] = (counts[s] ?? 0) + 1;
      }
      return counts;
    };
    for (const minute of [1, 2, 3]) {
      now = Date.parse(`2026-03-28T10:0${minute}:00.100Z`);
      await step();
    }
    expect(await byRegion()).toEqual({ skip: 1, queue_one: 1, allow: 3 });
    const audit = await fires(app);
    expect(audit.filter((e) => e.entity_id === 'skip' && e.to_status === 'skipped')).toHaveLength(2);
    expect(audit.filter((e) => e.entity_id === 'queue_one' && e.to_status === 'queued')).toHaveLength(1);
    // queue_one's run ends: its queued fire starts at the next look, once.
    const [queued] = await call<Schedule[]>(app, 'schedules.list', {}).then((l) =>
      l.filter((s) => s.id === 'queue_one'),
    );
    expect(queued!.queued).toBe(true);
    await call(app, 'runs.cancel', { run_id: queued!.last_run_id });
    await step();
    await step();
    expect((await byRegion()).queue_one).toBe(2);
  });

  it('catch-up after downtime: none skips the missed fires, latest starts one, all starts the last N', async () => {
    const app = open();
    await withPlan(app);
    for (const [id, catch_up] of [
      ['none', 'none'],
      ['latest', 'latest'],
      ['all', 'all'],
    ] as const)
      await call(app, 'schedules.add', {
        id,
        plan_id: 'report',
        cron: '* * * * *',
        inputs: { region: id },
        overlap: 'allow',
        catch_up,
        catch_up_max: 3,
      });
    await app.close();
    apps.length = 0;
    // Baton was away ten minutes; the fires of 10:01 … 10:10 were missed (more than the 1 s grace ago).
    now = Date.parse('2026-03-28T10:10:30Z');
    const back = open();
    await back.reach.scheduler.step();
    const audit = await fires(back);
    const started = (id: string) => audit.filter((e) => e.entity_id === id && e.to_status === 'fired').length;
    expect([started('none'), started('latest'), started('all')]).toEqual([0, 1, 3]);
    expect(audit.find((e) => e.entity_id === 'none' && e.to_status === 'missed')!.why).toMatch(
      /^10 fire\(s\) missed/,
    );
    expect(audit.find((e) => e.entity_id === 'all' && e.to_status === 'missed')!.why).toMatch(
      /^7 fire\(s\) missed/,
    );
    // Then on schedule again.
    const [s] = (await call<Schedule[]>(back, 'schedules.list', {})).filter((x) => x.id === 'none');
    expect(s!.next_fire_at).toBe('2026-03-28T10:11:00.000Z');
  });

  it('a fire that cannot start its run is audited with why, and the schedule goes on', async () => {
    const app = open();
    await withPlan(app);
    await call(app, 'schedules.add', {
      id: 's',
      plan_id: 'report',
      cron: '* * * * *',
      inputs: { region: 'eu' },
    });
    // The plan changes: region is now a number, so the stored inputs no longer fit.
    await call(app, 'plans.import', {
      plan: { ...plan, run_inputs: { region: { type: 'number', required: true } } },
    });
    now = Date.parse('2026-03-28T10:01:00.100Z');
    await app.reach.scheduler.step();
    const failed = (await fires(app)).find((e) => e.to_status === 'failed');
    expect(failed!.why).toContain('inputs.region: must be number, got string');
    expect((await call<Schedule[]>(app, 'schedules.list', {}))[0]!.next_fire_at).toBe(
      '2026-03-28T10:02:00.000Z',
    );
    expect(await call(app, 'schedules.remove', { schedule_id: 's' })).toEqual({ removed: true });
  });

  it('pauses and resumes: nothing fires while paused, and resumed it does not catch up the pause', async () => {
    const app = open();
    await withPlan(app);
    await call(app, 'schedules.add', {
      id: 's',
      plan_id: 'report',
      cron: '* * * * *',
      inputs: { region: 'eu' },
      catch_up: 'all',
    });
    const paused = await call<Schedule>(app, 'schedules.setEnabled', { schedule_id: 's', enabled: false });
    expect(paused.enabled).toBe(false);
    now = Date.parse('2026-03-28T10:30:00.100Z');
    await app.reach.scheduler.step();
    expect(await runs(app)).toHaveLength(0);
    const resumed = await call<Schedule>(app, 'schedules.setEnabled', { schedule_id: 's', enabled: true });
    expect(resumed.next_fire_at).toBe('2026-03-28T10:31:00.000Z');
    await app.reach.scheduler.step();
    expect(await runs(app)).toHaveLength(0);
    now = Date.parse('2026-03-28T10:31:00.100Z');
    await app.reach.scheduler.step();
    expect(await runs(app)).toHaveLength(1);
    expect((await fires(app)).map((e) => e.to_status)).toEqual(
      expect.arrayContaining(['paused', 'active', 'fired']),
    );
    expect(await app.dispatch('schedules.setEnabled', { schedule_id: 'nope', enabled: true })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('a fire across a process that dies', () => {
  it('is started by the next process when the first died after deciding it and before its run was stored, once', async () => {
    const a = open();
    await withPlan(a);
    await call(a, 'schedules.add', {
      id: 's',
      plan_id: 'report',
      cron: '*/5 * * * *',
      inputs: { region: 'eu' },
    });
    now = Date.parse('2026-03-28T10:05:00.200Z');
    // The first process decides the fire and dies while the run is being started (its checks
    // never answer): nothing after the look's own transaction happens.
    const dying = new Scheduler({
      store: a.store,
      now: () => now,
      owner: 'dying-process',
      startRun: () => new Promise<never>(() => {}),
      audit: () => {},
      leaseTtlMs: 86_400_000,
    });
    void dying.step();
    await eventually(() => a.reach.scheduler.repo.get('s')!.next_fire_at! > now, 2_000, 'the fire decided');
    dying.stop();
    a.close();
    apps.splice(apps.indexOf(a), 1);
    // The next process (after a restart) starts that fire's run, and only once however often it looks.
    now = Date.parse('2026-03-28T10:06:00Z');
    const b = open();
    await b.reach.scheduler.step();
    await b.reach.scheduler.step();
    const started = await runs(b);
    expect(started).toHaveLength(1);
    expect(started[0]!.started_by).toBe('schedule');
    const fired = (await fires(b)).filter((e) => e.to_status === 'fired');
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ entity_id: 's', run_id: started[0]!.id });
    expect(fired[0]!.why).toContain('fired for 2026-03-28T10:05:00.000Z');
    const [s] = await call<Schedule[]>(b, 'schedules.list', {});
    expect(s).toMatchObject({ last_run_id: started[0]!.id, next_fire_at: '2026-03-28T10:10:00.000Z' });
    expect(s).not.toHaveProperty('pending_starts');
  });

  it('is started once when two processes take up the same pending start at the same time', async () => {
    const a = open();
    await withPlan(a);
    await call(a, 'schedules.add', {
      id: 's',
      plan_id: 'report',
      cron: '*/5 * * * *',
      inputs: { region: 'eu' },
    });
    now = Date.parse('2026-03-28T10:05:00.200Z');
    const dying = new Scheduler({
      store: a.store,
      now: () => now,
      owner: 'dying-process',
      startRun: () => new Promise<never>(() => {}),
      audit: () => {},
      leaseTtlMs: 86_400_000,
    });
    void dying.step();
    await eventually(() => a.reach.scheduler.repo.get('s')!.pending_starts === 1, 2_000, 'the fire decided');
    dying.stop();
    // Two processes read the schedule with its start pending and both go to start it.
    const b = open();
    const c = open();
    const seen = b.reach.scheduler.repo.get('s')!;
    await Promise.all([b.reach.scheduler.fire(seen), c.reach.scheduler.fire(seen)]);
    expect(await runs(a)).toHaveLength(1);
    expect((await fires(a)).filter((e) => e.to_status === 'fired')).toHaveLength(1);
    expect(a.reach.scheduler.repo.get('s')!.pending_starts).toBe(0);
  });
});
