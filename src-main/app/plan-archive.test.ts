import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { PlanSummary } from '../../src-shared/schemas/plan.ts';
import { call, task } from '../../test/kit/engine-kit.ts';
import { migrate } from '../store/migrate.ts';
import { migrations } from '../store/migrations/index.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp;
afterEach(async () => {
  await app?.close();
});

const plan = {
  plan_id: 'nightly',
  name: 'Nightly report',
  tags: ['reports', 'nightly'],
  owner: 'Ana',
  tasks: [task('a')],
};
const open = async () => {
  app = createApp({ dataDir: ':memory:', log: () => {} });
  await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
  await call(app, 'plans.import', { plan });
};
const refusal = async (method: string, input: unknown) => {
  const r = await app.dispatch(method, input);
  if (r.ok) throw new Error(`${method} was not refused`);
  return r.error;
};

describe('plan tags, owner and archive', () => {
  it('lists each plan with its tags and owner, read from its current version', async () => {
    await open();
    const [p] = await call<PlanSummary[]>(app, 'plans.list', {});
    expect(p).toMatchObject({
      plan_id: 'nightly',
      tags: ['reports', 'nightly'],
      owner: 'Ana',
      archived_at: null,
    });
    await call(app, 'plans.import', { plan: { ...plan, tags: undefined, owner: undefined } });
    const [again] = await call<PlanSummary[]>(app, 'plans.list', {});
    expect(again).toMatchObject({ version: 2, tags: [], owner: null });
  });

  it('refuses a run of an archived plan, whoever asks, until it is unarchived; audited both ways', async () => {
    await open();
    const archived = await call<PlanSummary>(app, 'plans.archive', {
      plan_id: 'nightly',
      archived: true,
      actor: 'ana',
    });
    expect(archived.archived_at).not.toBeNull();
    const refused = await refusal('runs.start', { plan_id: 'nightly', actor: 'bo' });
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain('plan "nightly" is archived: unarchive it to run it');
    // A new version keeps it archived.
    await call(app, 'plans.import', { plan: { ...plan, name: 'Nightly report, again' } });
    expect((await refusal('runs.start', { plan_id: 'nightly' })).code).toBe('conflict');

    await call(app, 'plans.archive', { plan_id: 'nightly', archived: false });
    const started = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'nightly', actor: 'bo' });
    expect(started.run_id).toBeTruthy();
    const audit = await call<AuditEntry[]>(app, 'audit.list', { entity: 'plan' });
    // Newest first: each save of the plan is there too, with what changed.
    expect(audit.map((e) => [e.actor, e.from_status, e.to_status])).toEqual([
      ['user', 'archived', 'active'],
      ['user', null, 'changed'],
      ['ana', 'active', 'archived'],
      ['user', null, 'added'],
    ]);
    expect(audit[1]!.why).toBe('plan "nightly" changed (version 2): name');
    expect(audit[1]!.changes).toEqual([{ field: 'name', from: plan.name, to: 'Nightly report, again' }]);
  });

  it('names the field when archive is asked wrongly, and the plan when there is none', async () => {
    await open();
    const bad = await refusal('plans.archive', { plan_id: 'nightly', archived: 'yes' });
    expect(bad.message).toContain('archived');
    expect(bad.message).toContain('must be true (archive) or false (unarchive)');
    expect((await refusal('plans.archive', { plan_id: 'nope', archived: true })).message).toBe(
      'plan "nope" not found',
    );
  });
});

describe('plans.delete', () => {
  it('deletes a plan that never ran, with its versions, audited', async () => {
    await open();
    await call(app, 'plans.import', { plan: { ...plan, name: 'v2' } });
    expect(await call(app, 'plans.delete', { plan_id: 'nightly', actor: 'ana' })).toEqual({ deleted: true });
    expect(await call(app, 'plans.list', {})).toEqual([]);
    expect((await refusal('plans.versions', { plan_id: 'nightly' })).code).toBe('not_found');
    const [entry] = await call<AuditEntry[]>(app, 'audit.list', { entity: 'plan' });
    expect(entry).toMatchObject({ actor: 'ana', entity_id: 'nightly', to_status: 'deleted' });
    expect(await call(app, 'plans.delete', { plan_id: 'nightly' })).toEqual({ deleted: false });
  });

  it('refuses to delete a plan that has runs (archive it instead), or schedules', async () => {
    await open();
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'nightly' });
    await app.engine.whenSettled(run_id);
    const refused = await refusal('plans.delete', { plan_id: 'nightly' });
    expect(refused).toMatchObject({
      code: 'conflict',
      message: 'plan "nightly" has 1 run: archive it instead: its runs stay readable',
    });
    await call(app, 'plans.import', { plan: { ...plan, plan_id: 'weekly' } });
    await call(app, 'schedules.add', { plan_id: 'weekly', cron: '0 9 * * 1' });
    expect((await refusal('plans.delete', { plan_id: 'weekly' })).message).toBe(
      'plan "weekly" has 1 schedule: remove its schedules and triggers first',
    );
    expect((await call<PlanSummary[]>(app, 'plans.list', {})).map((p) => p.plan_id).sort()).toEqual([
      'nightly',
      'weekly',
    ]);
  });
});

describe('the migration that adds plans.archived_at', () => {
  it('adds archived_at, null for the plans stored before it', () => {
    const db = new Database(':memory:');
    const archived = migrations.find((m) => m.name === 'plan_archived')!.version;
    migrate(
      db,
      migrations.filter((m) => m.version < archived),
    );
    db.exec(`INSERT INTO plans (id, name, version, task_count, created_at, updated_at)
      VALUES ('old', 'Old', 1, 1, 't0', 't0')`);
    migrate(db);
    expect(db.prepare('SELECT id, archived_at FROM plans').all()).toEqual([{ id: 'old', archived_at: null }]);
  });
});
