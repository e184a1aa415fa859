import type { Database } from 'better-sqlite3';
import type { Migration } from './migrations/index.ts';
import { migrations as shipped } from './migrations/index.ts';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Applies pending migrations, each in its own transaction, and records them in
 * `schema_migrations`. The recorded history must be a prefix of the known list: a gap,
 * a reordering, a renamed migration or a version newer than this build is an error.
 */
export function migrate(db: Database, migrations: readonly Migration[] = shipped): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new MigrationError(
        `migration list is out of order: position ${i + 1} holds version ${m.version}`,
      );
    }
  });
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
  const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as {
    version: number;
    name: string;
  }[];
  applied.forEach((row, i) => {
    const known = migrations[i];
    if (row.version !== i + 1) {
      throw new MigrationError(
        `database migration history is out of order: expected version ${i + 1} at position ${i + 1}, found ${row.version}`,
      );
    }
    if (!known) {
      throw new MigrationError(
        `database is at schema version ${row.version}, newer than this build of Baton knows (${migrations.length}); upgrade Baton`,
      );
    }
    if (known.name !== row.name) {
      throw new MigrationError(
        `database migration ${row.version} is "${row.name}" but this build calls it "${known.name}"`,
      );
    }
  });
  const done: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations.slice(applied.length)) {
    db.transaction(() => {
      db.exec(m.up);
      record.run(m.version, m.name, new Date().toISOString());
    })();
    done.push(m.version);
  }
  return done;
}
