import { describe, expect, it } from 'vitest';
import type { PlanSummary } from '../../../../src-shared/schemas/plan.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import type { Schedule } from '../../../../src-shared/schemas/schedule.ts';
import { copyId, planMatches, planRows, planTags } from './plan-list.ts';

const plan = (plan_id: string, more: Partial<PlanSummary> = {}): PlanSummary => ({
  plan_id,
  name: `Plan ${plan_id}`,
  project_id: null,
  version: 1,
  task_count: 1,
  created_at: 't0',
  updated_at: 't0',
  tags: [],
  owner: null,
  archived_at: null,
  ...more,
});
const schedule = (id: string, plan_id: string, more: Partial<Schedule> = {}): Schedule => ({
  id,
  plan_id,
  cron: '0 9 * * 1-5',
  timezone: 'Europe/Paris',
  inputs: {},
  overlap: 'skip',
  catch_up: 'latest',
  catch_up_max: 10,
  enabled: true,
  next_fire_at: '2026-03-02T08:00:00.000Z',
  queued: false,
  last_run_id: null,
  created_at: 't0',
  next_fires: [],
  ...more,
});

describe('the Plans page list', () => {
  const plans = [
    plan('nightly', { tags: ['reports'], owner: 'Ana Lima' }),
    plan('docs', { name: 'Docs site', tags: ['web', 'reports'] }),
    plan('old', { archived_at: 't1', tags: ['legacy'] }),
  ];

  it('finds a plan by name, id, tag or owner, in any case', () => {
    expect(planMatches(plans[0]!, 'ana')).toBe(true);
    expect(planMatches(plans[1]!, 'DOCS SITE')).toBe(true);
    expect(planMatches(plans[1]!, 'web')).toBe(true);
    expect(planMatches(plans[0]!, 'night')).toBe(true);
    expect(planMatches(plans[0]!, 'web')).toBe(false);
  });

  it('leaves archived plans out unless asked, and filters by tag', () => {
    const ids = (f: Parameters<typeof planRows>[3]) =>
      planRows(plans, new Map(), [], f).map((r) => r.plan.plan_id);
    expect(ids({})).toEqual(['nightly', 'docs']);
    expect(ids({ archived: true })).toEqual(['nightly', 'docs', 'old']);
    expect(ids({ tag: 'web' })).toEqual(['docs']);
    expect(ids({ tag: 'reports', q: 'ana' })).toEqual(['nightly']);
    expect(planTags(plans, false)).toEqual(['reports', 'web']);
    expect(planTags(plans, true)).toEqual(['legacy', 'reports', 'web']);
  });

  it('takes the next run from the soonest active schedule, in its zone; paused when every schedule is', () => {
    const last = { id: 'r1', plan_id: 'nightly' } as Run;
    const rows = planRows(
      plans,
      new Map([['nightly', last]]),
      [
        schedule('late', 'nightly', { next_fire_at: '2026-03-03T08:00:00.000Z', timezone: 'UTC' }),
        schedule('soon', 'nightly'),
        schedule('off', 'nightly', { enabled: false, next_fire_at: '2026-03-01T00:00:00.000Z' }),
        schedule('stopped', 'docs', { enabled: false }),
        schedule('gone', 'old'),
      ],
      { archived: true },
    );
    const [nightly, docs, old] = rows;
    expect(nightly).toMatchObject({
      lastRun: last,
      nextRun: { at: '2026-03-02T08:00:00.000Z', timezone: 'Europe/Paris', scheduleId: 'soon' },
      paused: false,
    });
    expect(nightly!.schedules.map((s) => [s.id, s.enabled])).toEqual([
      ['late', true],
      ['soon', true],
      ['off', false],
    ]);
    expect(nightly!.schedules[1]!.words).toMatch(/weekday/i);
    expect(docs).toMatchObject({ nextRun: null, paused: true, lastRun: null });
    // An archived plan's schedules would be refused: no next run.
    expect(old).toMatchObject({ nextRun: null, paused: false });
  });

  it('names a copy with a readable id no plan has', () => {
    expect(copyId('nightly', new Set(['nightly']))).toBe('nightly-copy');
    expect(copyId('nightly', new Set(['nightly', 'nightly-copy', 'nightly-copy-2']))).toBe('nightly-copy-3');
    expect(copyId('x'.repeat(128), new Set()).length).toBe(128);
  });
});
