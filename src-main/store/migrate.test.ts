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
