import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../e2e/serve-process.ts';
import { eventually } from '../kit/engine-kit.ts';
import { http } from '../kit/host-kit.ts';

/**
 * `baton serve` with its data directory on a small filesystem of its own (a tmpfs), so the disk
 * really fills up, under SQLite and everything else, and is freed again. Mounting one needs
 * root (CI runs as root); elsewhere the test is skipped, and says why.
 */
const MOUNT_MB = 32;
const mountTmpfs = (dir: string) =>
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_MB}m`, 'tmpfs', dir], { stdio: 'pipe' });
const noMount = ((): string | null => {
  const probe = mkdtempSync(join(tmpdir(), 'baton-mount-probe-'));
  try {
    mountTmpfs(probe);
    execFileSync('umount', [probe]);
    return null;
  } catch (err) {
    return `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}): run as root to include it`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();
if (noMount) console.warn(`SKIPPED test/integration/disk-full-serve.test.ts: ${noMount}`);

/** Text whose words are all different, so its search index is about as big as the text. */
function words(n: number, seed: number): string {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    out.push(`w${x.toString(36)}`);
  }
  return out.join(' ');
}

describe.skipIf(noMount !== null)('baton serve when the disk fills up', () => {
  let disk: string;
  let data: string;
  let serve: Awaited<ReturnType<typeof startServe>>;
  let port: number;
  let token: string;

  beforeAll(async () => {
    disk = mkdtempSync(join(tmpdir(), 'baton-small-disk-'));
    mountTmpfs(disk);
    data = join(disk, 'data');
    mkdirSync(data);
    serve = await startServe(data);
    const url = new URL(serve.url);
    port = Number(url.port);
    token = url.searchParams.get('token')!;
  });
  afterAll(async () => {
    await serve?.stop();
    if (disk) {
      execFileSync('umount', [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  });

  const rpc = async (method: string, input: unknown) => {
    const r = await http(port, `/api/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify(input),
    });
    return {
      status: r.status,
      body: JSON.parse(r.body) as { ok: boolean; value?: unknown; error?: { code: string } },
    };
  };
  const ok = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await rpc(method, input);
    if (!r.body.ok) throw new Error(`${method}: ${r.status} ${JSON.stringify(r.body.error)}`);
    return r.body.value as T;
  };
  const filler = () => join(disk, 'filler');
  /** Fills the disk but for `spare` bytes, with a file of its own. */
  const fill = (spare: number) => {
    const { bavail, bsize } = statfsSync(disk);
    const fd = openSync(filler(), 'w');
    const chunk = Buffer.alloc(64 * 1024, 1);
    try {
      for (let left = bavail * bsize - spare; left > 0; )
        left -= writeSync(fd, chunk, 0, Math.min(chunk.length, left));
    } finally {
      closeSync(fd);
    }
  };
  /** The database file, opened beside Baton's connection. */
  const withDb = <T>(fn: (db: Database.Database) => T, readonly = true): T => {
    const db = new Database(join(data, 'baton.db'), { readonly, fileMustExist: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  /** Memory entries the search index has not taken in yet. */
  const unindexed = () =>
    withDb(
      (db) =>
        db
          .prepare(
            `SELECT count(*) FROM memory_entries WHERE rowid >
               (SELECT last_rowid FROM search_index_state WHERE name = 'memory')`,
          )
          .pluck()
          .get() as number,
    );
  const linesOf = (text: string, pattern: RegExp) => text.split('\n').filter((l) => pattern.test(l));
  /** Fails at once, with what it wrote, if `baton serve` has ended. */
  const alive = () => {
    const { exitCode, signalCode } = serve.child;
    if (exitCode !== null || signalCode !== null)
      throw new Error(`baton serve ended (${exitCode ?? signalCode}); it wrote:\n${serve.stderr()}`);
    return true;
  };
  const INDEXING_FAILED = /^search indexing failed: .*database or disk is full/;

  it('keeps answering while background indexing fails: one log line, 507 for writes, and the index catches up once there is room', async () => {
    // Notes written through the API wait for the search index, which takes them in after a run ends.
    for (let i = 0; i < 100; i++)
      await ok('memory.write', { agent_id: 'tester', content: words(4_000, i + 1) });
    expect(unindexed()).toBe(100);
    await ok('agents.import', { agents: [{ id: 'echo', skills: ['x'] }] });
    await ok('plans.import', {
      plan: { plan_id: 'small', tasks: [{ task_id: 'a', description: 'a', required_skills: ['x'] }] },
    });
    // Room left for a small run, not for indexing the notes. The WAL, which SQLite reuses from its
    // start once it has been copied into the database, is cut to nothing first (as in an idle moment).
    await eventually(
      () =>
        withDb((db) => (db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]!.busy === 0, false),
      10_000,
      'the WAL cut back',
    );
    fill(1024 * 1024);

    // The run ends, and the indexing a little after it fails for want of room.
    const { run_id } = await ok<{ run_id: string }>('runs.start', { plan_id: 'small' });
    await eventually(
      async () => (await ok<{ status: string }>('runs.get', { run_id })).status === 'completed',
      30_000,
      'the run to complete',
    );
    await eventually(
      () => alive() && linesOf(serve.stderr(), INDEXING_FAILED).length > 0,
      30_000,
      'indexing to fail',
    );

    // The process lives on and answers: reads as ever, writes 507 `storage_full`, each one log line.
    expect((await rpc('plans.list', {})).status).toBe(200);
    const before = serve.stderr().length;
    let refused: Awaited<ReturnType<typeof rpc>> | null = null;
    for (let i = 0; i < 200 && !refused; i++) {
      const r = await rpc('memory.write', { agent_id: 'tester', content: words(4_000, 1_000 + i) });
      if (r.status !== 200) refused = r;
    }
    expect(refused).toMatchObject({ status: 507, body: { ok: false, error: { code: 'storage_full' } } });
    await eventually(() => /memory\.write failed/.test(serve.stderr().slice(before)), 10_000, 'its log line');
    expect(linesOf(serve.stderr().slice(before), /memory\.write/)).toEqual([
      expect.stringMatching(/^memory\.write failed: SqliteError: database or disk is full/),
    ]);

    // Room again: the indexing, tried again on its own, catches up; writes pass.
    rmSync(filler());
    await eventually(() => alive() && unindexed() === 0, 90_000, 'the search index to catch up');
    expect((await rpc('memory.write', { agent_id: 'tester', content: 'room again' })).status).toBe(200);
    expect(alive()).toBe(true);

    // The failure was one line, however often it was tried; no error wrote a stack.
    expect(linesOf(serve.stderr(), INDEXING_FAILED)).toHaveLength(1);
    expect(linesOf(serve.stderr(), /^\s+at /)).toEqual([]);
  }, 240_000);
});
