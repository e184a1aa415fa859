import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db.ts';

// A data directory that cannot be Baton's is said with its path and what to do, not as the bare
// words of mkdir or SQLite ("EEXIST: file already exists", "file is not a database").
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-db-'));
  dirs.push(d);
  return d;
};

describe('opening the store', () => {
  it('names a data directory that is a file, or lies under one', () => {
    const file = join(scratch(), 'plain');
    writeFileSync(file, 'x');
    for (const dir of [file, join(file, 'sub')])
      expect(() => openDatabase(dir)).toThrow(
        `the data directory ${dir} is a file, or lies under one: give a folder (--data-dir or BATON_DATA_DIR)`,
      );
  });

  it('names a baton.db that is not a database, and leaves it as it was', () => {
    const dir = join(scratch(), 'data');
    mkdirSync(dir);
    const garbage = 'not sqlite at all '.repeat(20);
    writeFileSync(join(dir, 'baton.db'), garbage);
    expect(() => openDatabase(dir)).toThrow(
      `${join(dir, 'baton.db')} is not a Baton database (SQLite: file is not a database): move it aside, or give another data directory`,
    );
    expect(readFileSync(join(dir, 'baton.db'), 'utf8')).toBe(garbage);
  });

  it('opens a folder that is Baton’s', () => {
    const db = openDatabase(join(scratch(), 'data'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 4 MB of page cache (KiB when negative), not the driver's 16: docs/speed.md, "A small page cache".
    expect(db.pragma('cache_size', { simple: true })).toBe(-4000);
    db.close();
  });
});
