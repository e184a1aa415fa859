import type { Statement } from 'better-sqlite3';
import type { Db } from './db.ts';
import type { WriteBehind } from './write-behind.ts';

/**
 * Statement sizes (rows), largest first. Every size is a prepared statement kept for the life of
 * the connection, and one of 200 rows of 18 columns is a large program: a row count is written
 * as a sum of these (≤ 13 statements) instead of preparing one statement per count seen.
 */
const SIZES = [256, 64, 16, 4, 1];

/**
 * The statement writing `n` rows at once, prepared on first use and kept: `sql` makes it from
 * its `VALUES (…), (…), …` list.
 */
function statementsOf(db: Db, sql: (values: string) => string, columns: number) {
  const row = `(${Array(columns).fill('?').join(',')})`;
  const cache = new Map<number, Statement>();
  return (n: number) => {
    let s = cache.get(n);
    if (!s) {
      s = db.prepare(sql(`VALUES ${Array(n).fill(row).join(',')}`));
      cache.set(n, s);
    }
    return s;
  };
}

/**
 * Makes a writer of many rows with multi-row statements (`VALUES (…), (…), …`):
 * per-statement overhead, not SQLite, dominates single-row writes on a hot path.
 * `head` is everything before VALUES (an INSERT into a rowid table).
 * The writer takes the rows' values flat, row after row (no array per row on a hot path), and
 * returns each row's rowid, in order: a statement's rows take consecutive rowids ending at the
 * last one inserted. Rows a tick writes behind the engine (`behind`) have no rowid yet: none is
 * returned for them.
 */
export function createBatchWriter(db: Db, head: string, columns: number, behind: WriteBehind | null = null) {
  const statement = statementsOf(db, (values) => `${head} ${values}`, columns);
  return (values: readonly unknown[]): number[] => {
    if (values.length % columns !== 0)
      throw new Error(`${values.length} values do not make rows of ${columns}`);
    const rows = values.length / columns;
    const rowids: number[] = [];
    let i = 0;
    for (const size of SIZES) {
      while (rows - i >= size) {
        const chunk = size === rows ? values : values.slice(i * columns, (i + size) * columns);
        const s = statement(size);
        if (!behind?.capture(s, chunk)) {
          const last = Number(s.run(chunk).lastInsertRowid);
          for (let k = size - 1; k >= 0; k--) rowids.push(last - k);
        }
        i += size;
      }
    }
    return rowids;
  };
}

/**
 * A writer of many rows a statement that share some values (the run, task and attempt of a
 * batch of steps): `sql` makes the statement from its `VALUES (…), (…), …` list of `columns`
 * placeholders a row, with the shared values' placeholders before it in the text. The writer
 * binds the shared values once per statement, then the rows' values flat, in order: a later
 * row meeting an earlier one of the same key (an `ON CONFLICT … DO UPDATE` in `sql`) updates it
 * as it would one statement later. No rowids are given (an update takes none).
 */
export function createSharedRowsWriter(db: Db, sql: (values: string) => string, columns: number) {
  const statement = statementsOf(db, sql, columns);
  return (shared: readonly unknown[], values: readonly unknown[]): void => {
    if (values.length % columns !== 0)
      throw new Error(`${values.length} values do not make rows of ${columns}`);
    const rows = values.length / columns;
    let i = 0;
    for (const size of SIZES) {
      while (rows - i >= size) {
        statement(size).run(shared, size === rows ? values : values.slice(i * columns, (i + size) * columns));
        i += size;
      }
    }
  };
}
