import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer.ts';
import { DB_FILE, openDatabase } from './db.ts';
import { createStore } from './store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * Writes 3,000 transactions back to back (no idle moment for the worker to finish its copy) and
 * returns the largest WAL seen and the rows read back.
 */
async function writeContinuously(walCapBytes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-wal-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  // A rewound WAL is cut back to this size: at 1 MB, the cap below is reached and kept.
  db.pragma(`journal_size_limit = ${1024 * 1024}`);
  const checkpointer = startCheckpointer(db, join(dir, DB_FILE), { intervalMs: 20, walCapBytes });
  const store = createStore(db, checkpointer.afterCommit);
  db.exec('CREATE TABLE scratch (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO scratch (data) VALUES (?)');
  let largest = 0;
  for (let i = 0; i < 3_000; i++) {
    store.tx(() => insert.run(`${i} ${'x'.repeat(6_000)}`));
    largest = Math.max(largest, statSync(join(dir, `${DB_FILE}-wal`)).size);
  }
  const rows = (db.prepare('SELECT count(*) AS n FROM scratch').get() as { n: number }).n;
  await checkpointer.stop();
  db.close();
  return { largest, rows };
}

describe('WAL upkeep', () => {
  it('keeps the WAL near its cap while transactions never stop, losing nothing', async () => {
    const MB = 1024 * 1024;
    // Without a cap that is reached, 3,000 writes grow the WAL to ~40 MB: it grows with the run.
    const uncapped = await writeContinuously(Number.POSITIVE_INFINITY);
    expect(uncapped.rows).toBe(3_000);
    expect(uncapped.largest).toBeGreaterThan(16 * MB);
    const capped = await writeContinuously(1 * MB);
    expect(capped.rows).toBe(3_000);
    // The cap is looked at every 32 commits (~0.5 MB here); the WAL is then rewound and cut back.
    // A look can find the worker checkpointing (busy): it is then tried again after every commit
    // until the WAL is rewound. How far past the cap it gets meanwhile depends on the machine's
    // load (1.5–2.6 MB on a quiet one, up to 8.4 MB with three busy loops on two cores, 14.9 MB
    // once beside a full CI run and a bench), so the bound is against the uncapped run: half of
    // it at most, where the uncapped WAL keeps growing with the run.
    expect(capped.largest).toBeLessThan(uncapped.largest / 2);
  });
});

describe('the checkpointer started later (the app: not during its start)', () => {
  it('leaves the main connection its own checkpoints until its thread starts, and starts none once stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-wal-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    const auto = () => db.pragma('wal_autocheckpoint', { simple: true });
    const later = startCheckpointer(db, join(dir, DB_FILE), { startAfterMs: 50 });
    expect(auto()).toBe(4000);
    // Its thread started: the main connection's automatic checkpoints are off.
    await expect.poll(auto).toBe(0);
    await later.stop();
    db.pragma('wal_autocheckpoint = 4000');
    // Stopped before its time: no thread, the main connection keeps checkpointing.
    const never = startCheckpointer(db, join(dir, DB_FILE), { startAfterMs: 60_000 });
    await never.stop();
    expect(auto()).toBe(4000);
    // Writes begun before its time (a run started): the thread starts at the 64th commit.
    const busy = startCheckpointer(db, join(dir, DB_FILE), { startAfterMs: 60_000 });
    for (let i = 0; i < 63; i++) busy.afterCommit();
    expect(auto()).toBe(4000);
    busy.afterCommit();
    expect(auto()).toBe(0);
    await busy.stop();
    db.pragma('wal_autocheckpoint = 4000');
    db.close();
  });
});
