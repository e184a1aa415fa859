import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MigrationError, migrate } from './migrate.ts';
import { migrations } from './migrations/index.ts';

describe('migrations', () => {
  it('run in order on :memory:, each recorded, and are idempotent', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toEqual(migrations.map((m) => m.version));
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    expect(migrate(db)).toEqual([]);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((r) => (r as { name: string }).name);
    for (const t of [
      'plans',
      'plan_versions',
      'agents',
      'runs',
      'task_runs',
      'approvals',
      'memory_entries',
      'memory_fts',
      'audit_entries',
      'audit_fts',
    ]) {
      expect(tables).toContain(t);
    }
  });

  it('005 keeps the failed attempt a task waiting for its retry already holds, and nothing else', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 4));
    db.exec(`INSERT INTO runs (id, plan_id, plan_version, status, memory_id, created_at)
      VALUES ('r', 'p', 1, 'executing', 'm', 't0')`);
    const row = db.prepare(`INSERT INTO task_runs (run_id, task_id, seq, status, agent_id, attempt, error,
      started_at, updated_at) VALUES ('r', ?, ?, ?, 'hal', ?, ?, 't1', 't2')`);
    row.run('waits', 0, 'ready', 1, 'flaky'); // failed attempt 1, its retry due
    row.run('gave-up', 1, 'cancelled', 2, 'flaky'); // failed attempt 2, cancelled while it waited
    row.run('done', 2, 'done', 1, null);
    row.run('failed', 3, 'failed', 1, 'boom'); // its last attempt: on its row, not kept apart
    row.run('running', 4, 'in_progress', 1, null);
    migrate(db);
    expect(
      db
        .prepare(
          'SELECT task_id, attempt, agent_id, finished_at, outcome, error FROM task_attempts ORDER BY task_id',
        )
        .all(),
    ).toEqual([
      {
        task_id: 'gave-up',
        attempt: 2,
        agent_id: 'hal',
        finished_at: 't2',
        outcome: 'failed',
        error: 'flaky',
      },
      { task_id: 'waits', attempt: 1, agent_id: 'hal', finished_at: 't2', outcome: 'failed', error: 'flaky' },
    ]);
  });

  it('rolls a failing migration back whole and records nothing of it', () => {
    const db = new Database(':memory:');
    const broken = [
      ...migrations,
      { version: migrations.length + 1, name: 'broken', up: 'CREATE TABLE x (a); SELECT nope FROM nowhere;' },
    ];
    expect(() => migrate(db, broken)).toThrow(/no such table: nowhere/);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'x'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({
      v: migrations.length,
    });
  });

  it('refuses a history that is out of order, renamed, or newer than this build', () => {
    const gap = new Database(':memory:');
    migrate(gap);
    gap.prepare("INSERT INTO schema_migrations VALUES (?, 'future', 'x')").run(migrations.length + 2);
    expect(() => migrate(gap)).toThrow(MigrationError);
    expect(() => migrate(gap)).toThrow(/out of order/);

    const newer = new Database(':memory:');
    migrate(newer);
    newer.prepare("INSERT INTO schema_migrations VALUES (?, 'future', 'x')").run(migrations.length + 1);
    expect(() => migrate(newer)).toThrow(/newer than this build/);

    const renamed = new Database(':memory:');
    migrate(renamed);
    renamed.prepare("UPDATE schema_migrations SET name = 'other' WHERE version = 1").run();
    expect(() => migrate(renamed)).toThrow(/is "other" but this build calls it "init"/);

    expect(() => migrate(new Database(':memory:'), [{ version: 2, name: 'two', up: '' }])).toThrow(
      /list is out of order/,
    );
  });
});
