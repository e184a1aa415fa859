// How a statement of the engine's connection stands to the writes behind it (`WriteBehind`):
// which tables it names, whether it may lag the writer, and the wrapper that keeps its order.
import type { Statement } from 'better-sqlite3';

/**
 * The tables a tick's writes go to behind the engine (task rows, audit entries, memory entries):
 * a statement naming one waits until the writer has applied what was handed to it, unless it is
 * a read marked `mayLag`.
 */
const BEHIND_TABLES = /\b(task_runs|audit_entries|memory_entries)\b/;
/**
 * Tables a tick writes behind the engine only now and then (a run's status as it ends): a
 * statement naming one waits for the writer only while a write to one is in its hands.
 */
export const WATCHED_TABLES = /\bruns\b/;
/** Pragmas that set this connection's own behaviour: nothing the writer holds bears on them. */
export const CONNECTION_PRAGMAS = /^\s*(wal_autocheckpoint|busy_timeout|cache_size)\b/i;
export const LAG = '/* may lag the writer */ ';

/**
 * Marks a read that may see the tables written behind the engine as the writer last committed
 * them, without what the engine handed on since (a cursor over the audit log, which takes what
 * comes after at its next look): it runs at once instead of waiting for the writer.
 */
export const mayLag = (sql: string): string => `${LAG}${sql}`;

/** Whether a statement names a table behind the engine, or a watched one (a read marked `mayLag` does neither). */
export function statementKind(sql: string): { behindTable: boolean; watched: boolean } {
  const lag = sql.startsWith(LAG);
  return { behindTable: !lag && BEHIND_TABLES.test(sql), watched: !lag && WATCHED_TABLES.test(sql) };
}

/** Wraps a statement's runs so that each first keeps a single connection's order. */
export function guard(
  statement: Statement,
  behindTable: boolean,
  watched: boolean,
  behind: { before(behindTable: boolean, reader: boolean, watched: boolean): void },
): void {
  // A read that writes nothing: a statement returning rows that is read-only (not an
  // `INSERT … RETURNING`; `BEGIN` and `COMMIT` return none).
  const reader = statement.reader && statement.readonly;
  const s = statement as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of ['run', 'get', 'all', 'iterate'] as const) {
    const f = s[name]!;
    s[name] = function (this: unknown) {
      behind.before(behindTable, reader, watched);
      // biome-ignore lint/complexity/noArguments: the statement's own arguments, passed on as given
      return f.apply(this, arguments as never);
    };
  }
}
