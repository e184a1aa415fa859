import type { Statement } from 'better-sqlite3';
import type { Db } from './db.ts';

/**
 * Statement sizes (rows), largest first. Every size is a prepared statement kept for the life of
 * the connection, and one of 200 rows of 18 columns is a large program: a row count is written
 * as a sum of these (≤ 13 statements) instead of preparing one statement per count seen.
 */
const SIZES = [256, 64, 16, 4, 1];

/**
 * The statement writing `n` rows at once (`VALUES (…), (…), …`), prepared on first use and kept:
 * `head` is everything before VALUES, `tail` what follows the rows (an `ON CONFLICT` clause).
 */
function statementsOf(db: Db, head: string, columns: number, tail: string) {
  const row = `(${Array(columns).fill('?').join(',')})`;
  const cache = new Map<number, Statement>();
  return (n: number) => {
    let s = cache.get(n);
    if (!s) {
      s = db.prepare(`${head} VALUES ${Array(n).fill(row).join(',')}${tail ? ` ${tail}` : ''}`);
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
 * last one inserted.
 */
export function createBatchWriter(db: Db, head: string, columns: number) {
  const statement = statementsOf(db, head, columns, '');
  return (values: readonly unknown[]): number[] => {
    if (values.length % columns !== 0)
      throw new Error(`${values.length} values do not make rows of ${columns}`);
    const rows = values.length / columns;
    const rowids: number[] = [];
    let i = 0;
    for (const size of SIZES) {
      while (rows - i >= size) {
        const chunk = size === rows ? values : values.slice(i * columns, (i + size) * columns);
        const last = Number(statement(size).run(chunk).lastInsertRowid);
        for (let k = size - 1; k >= 0; k--) rowids.push(last - k);
        i += size;
      }
    }
    return rowids;
  };
}

/**
 * Like `createBatchWriter`, for statements whose rows may update instead of insert (`tail` an
 * `ON CONFLICT … DO UPDATE`): the rows go in order, a later row meeting an earlier one of the
 * same key as it would one statement later, and no rowids are given (an update takes none).
 */
export function createRowsWriter(db: Db, head: string, columns: number, tail: string) {
  const statement = statementsOf(db, head, columns, tail);
  return (values: readonly unknown[]): void => {
    if (values.length % columns !== 0)
      throw new Error(`${values.length} values do not make rows of ${columns}`);
    const rows = values.length / columns;
    let i = 0;
    for (const size of SIZES) {
      while (rows - i >= size) {
        statement(size).run(size === rows ? values : values.slice(i * columns, (i + size) * columns));
        i += size;
      }
    }
  };
}
