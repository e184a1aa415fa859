import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../store/db.ts';
import { openDatabase } from '../../store/db.ts';
import { DutyLease } from './duty-lease.ts';

let dir: string;
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});
const open = () => {
  const db = openDatabase(dir);
  dbs.push(db);
  return db;
};

describe('duty leases', () => {
  it('one holder at a time: renewed by it, taken when it lapses, let go on stop, taken from a dead local process', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-duty-'));
    const a = new DutyLease(open(), 'webhooks', 'host-a:1:a', 30_000);
    const b = new DutyLease(open(), 'webhooks', 'host-b:2:b', 30_000);
    expect(a.hold(1_000)).toBe(true);
    expect(b.hold(1_000)).toBe(false);
    expect(a.hold(20_000)).toBe(true); // renewed: now until 50 s
    expect(b.hold(45_000)).toBe(false);
    expect(b.hold(50_001)).toBe(true); // a lapsed (it slept): b takes it
    expect(a.hold(50_002)).toBe(false); // and a finds out before it acts
    b.letGo();
    expect(a.hold(50_003)).toBe(true);
    // A process on this machine that died holds it: taken at once, not after its lease.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const db = open();
    db.prepare('UPDATE reach_leases SET owner = ?, expires_at = ? WHERE name = ?').run(
      `${hostname()}:${gone.stdout}:x`,
      10 ** 12,
      'webhooks',
    );
    const c = new DutyLease(db, 'webhooks', 'host-c:3:c', 30_000);
    expect(c.hold(60_000)).toBe(true);
    expect(c.holder()).toBe('host-c:3:c');
  });
});
