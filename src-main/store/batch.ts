import type { Statement } from 'better-sqlite3';
import type { Db } from './db.ts';

const CHUNK = 200;

/**
 * Writes many rows with multi-row statements (`VALUES (…), (…), …`), `CHUNK` rows at a time:
 * per-statement overhead, not SQLite, dominates single-row writes on a hot path.
 * `head` is everything before VALUES; `tail` (e.g. an ON CONFLICT clause) follows the rows.
 * Takes the rows' values flat, row after row (no array per row on a hot path).
 * Returns each row's rowid, for inserts into rowid tables without ON CONFLICT: a statement's
 * rows take consecutive rowids ending at the last one inserted.
 */
export function createBatchWriter(db: Db, head: string, columns: number, tail = '') {
  const row = `(${Array(columns).fill('?').join(',')})`;
  const cache = new Map<number, Statement>();
  const statement = (n: number) => {
    let s = cache.get(n);
    if (!s) {
      s = db.prepare(`${head} VALUES ${Array(n).fill(row).join(',')} ${tail}`);
      cache.set(n, s);
    }
    return s;
  };
  return (values: readonly unknown[]): number[] => {
    if (values.length % columns !== 0)
      throw new Error(`${values.length} values do not make rows of ${columns}`);
    const rows = values.length / columns;
    const rowids: number[] = [];
    for (let i = 0; i < rows; i += CHUNK) {
      const n = Math.min(CHUNK, rows - i);
      const chunk = n === rows ? values : values.slice(i * columns, (i + n) * columns);
      const last = Number(statement(n).run(chunk).lastInsertRowid);
      for (let k = n - 1; k >= 0; k--) rowids.push(last - k);
    }
    return rowids;
  };
}
