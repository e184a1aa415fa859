import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../../src-main/app/create-app.ts';
import { isZombie } from '../../src-main/engine/leases.ts';
import { eventually } from '../kit/engine-kit.ts';

// Real processes on one data directory (lease-child.ts): one executes a run and is killed,
// stopped, or left a zombie; the test checks what the others do about it. Deadlines are
// generous and only bound a wait: nothing asserts how long anything took.

const child = join(import.meta.dirname, 'lease-child.ts');
/** A lease short enough that a test sees it run out, long enough for a loaded machine to renew it. */
const SHORT_TTL = 3_000;
/** A lease that never runs out during a test: only a dead holder lets a run go. */
const LONG_TTL = 600_000;
const DEADLINE = 60_000;

interface Launched {
  /** The Baton process's pid (not its parent's, when it has a non-reaping one). */
  pid: number;
  /** The first line starting with `prefix`, without it. */
  line(prefix: string): Promise<string>;
}

/**
 * Starts lease-child.ts. `zombieParent`: its parent is `sleep`, which never reaps a child, so
 * once killed it stays a zombie (`sh` runs it in the background, then becomes `sleep`).
 */
function launch(dir: string, mode: 'start' | 'watch', ttl: number, zombieParent = false): Launched {
  const args = [child, dir, mode, String(ttl)];
  const proc: ChildProcess = zombieParent
    ? spawn('sh', ['-c', '"$0" "$@" & exec sleep 600', process.execPath, ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const listeners = new Set<() => void>();
  proc.stdout!.on('data', (d: Buffer) => {
    out += d;
    for (const l of listeners) l();
  });
  const line = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const found = out.split('\n').find((l, i, all) => i < all.length - 1 && l.startsWith(prefix));
        if (found === undefined) return;
        listeners.delete(look);
        clearTimeout(timer);
        resolve(found.slice(prefix.length));
      };
      const timer = setTimeout(() => reject(new Error(`no "${prefix}" line; output: ${out}`)), DEADLINE);
      listeners.add(look);
      look();
    });
  const launched: Launched = { pid: 0, line };
  const pid = line('PID ').then((p) => {
    launched.pid = Number(p);
    return launched.pid;
  });
  onTestFinished(async () => {
    // The Baton process first (SIGCONT in case it was stopped), then its parent, which lets
    // init reap a zombie.
    const p = launched.pid || (await pid.catch(() => 0));
    for (const sig of ['SIGKILL', 'SIGCONT'] as const) {
      try {
        if (p) process.kill(p, sig);
      } catch {}
    }
    proc.kill('SIGKILL');
  });
  return launched;
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-takeover-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Reads the store as another process would (read-only, its own connection). */
function observe(dir: string) {
  const db = new Database(join(dir, 'baton.db'), { readonly: true, fileMustExist: true });
  onTestFinished(() => {
    db.close();
  });
  return {
    run: (id: string) =>
      db.prepare('SELECT status, lease_owner, lease_expires_at FROM runs WHERE id = ?').get(id) as {
        status: string;
        lease_owner: string | null;
        lease_expires_at: number | null;
      },
    task: (id: string) =>
      db
        .prepare("SELECT status, attempt, output FROM task_runs WHERE run_id = ? AND task_id = 't'")
        .get(id) as {
        status: string;
        attempt: number;
        output: string | null;
      },
    resumedBy: (id: string) =>
      (
        db
          .prepare("SELECT actor, why FROM audit_entries WHERE run_id = ? AND why LIKE 'resumed by %'")
          .all(id) as { why: string }[]
      ).map((r) => r.why),
  };
}

/** `task attempt pid` for each attempt started, as lease-child.ts logs them. */
const attempts = (dir: string) => readFileSync(join(dir, 'attempts.log'), 'utf8').trim().split('\n');

describe('a run whose process is gone', { timeout: 2 * DEADLINE }, () => {
  it('is taken over by a live process on the same data directory, without its restart, when its process is SIGKILLed', async () => {
    const dir = dataDir();
    const watcher = launch(dir, 'watch', SHORT_TTL);
    await watcher.line('READY');
    const owner = launch(dir, 'start', SHORT_TTL);
    const run = await owner.line('RUN ');
    const store = observe(dir);
    expect(store.run(run)).toMatchObject({
      status: 'executing',
      lease_owner: expect.stringContaining(`:${owner.pid}:`),
    });
    process.kill(owner.pid, 'SIGKILL');
    await eventually(() => store.run(run).status !== 'executing', DEADLINE, 'the run to end');
    expect(store.run(run).status).toBe('completed');
    expect(store.task(run)).toMatchObject({
      status: 'done',
      attempt: 2,
      output: JSON.stringify({ by: watcher.pid }),
    });
    expect(attempts(dir)).toEqual([`t 1 ${owner.pid}`, `t 2 ${watcher.pid}`]);
    expect(store.resumedBy(run)).toEqual([expect.stringContaining(`:${watcher.pid}:`)]);
  });

  it.skipIf(process.platform !== 'linux')(
    'is resumed at start when its process is a zombie (killed, not yet reaped by its parent)',
    async () => {
      const dir = dataDir();
      const owner = launch(dir, 'start', LONG_TTL, true);
      const run = await owner.line('RUN ');
      process.kill(owner.pid, 'SIGKILL');
      await eventually(() => isZombie(owner.pid), DEADLINE, 'the killed process to be a zombie');
      // kill(pid, 0) still finds it: what made a zombie count as alive.
      expect(() => process.kill(owner.pid, 0)).not.toThrow();
      const store = observe(dir);
      // Its lease has ten minutes left: only seeing it dead lets the run go on now.
      expect(store.run(run).lease_expires_at).toBeGreaterThan(Date.now() + LONG_TTL / 2);
      const restarted = launch(dir, 'watch', LONG_TTL);
      await eventually(() => store.run(run).status !== 'executing', DEADLINE, 'the run to end');
      expect(store.run(run).status).toBe('completed');
      expect(attempts(dir)).toEqual([`t 1 ${owner.pid}`, `t 2 ${restarted.pid}`]);
    },
  );

  it.skipIf(process.platform !== 'linux')('can be cancelled while its process is a zombie', async () => {
    const dir = dataDir();
    const owner = launch(dir, 'start', LONG_TTL, true);
    const run = await owner.line('RUN ');
    process.kill(owner.pid, 'SIGKILL');
    await eventually(() => isZombie(owner.pid), DEADLINE, 'the killed process to be a zombie');
    const app = createApp({ dataDir: dir, resume: false, log: () => {} });
    onTestFinished(() => app.close());
    const r = await app.dispatch('runs.cancel', { run_id: run, actor: 'ops' });
    expect(r).toMatchObject({ ok: true, value: { status: 'cancelled' } });
    expect(observe(dir).task(run)).toMatchObject({ status: 'cancelled' });
  });

  it('can be cancelled once its lease ran out, though its process still exists (stopped)', async () => {
    const dir = dataDir();
    const owner = launch(dir, 'start', SHORT_TTL);
    const run = await owner.line('RUN ');
    const app = createApp({ dataDir: dir, resume: false, leaseTtlMs: SHORT_TTL, log: () => {} });
    onTestFinished(() => app.close());
    // While it renews its lease, the run is its own: a cancel elsewhere is refused.
    const refused = await app.dispatch('runs.cancel', { run_id: run });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/being executed by another Baton process/) },
    });
    process.kill(owner.pid, 'SIGSTOP');
    const store = observe(dir);
    await eventually(
      () => (store.run(run).lease_expires_at ?? 0) < Date.now(),
      DEADLINE,
      'the lease to run out',
    );
    const r = await app.dispatch('runs.cancel', { run_id: run, actor: 'ops' });
    expect(r).toMatchObject({ ok: true, value: { status: 'cancelled' } });
    expect(store.task(run)).toMatchObject({ status: 'cancelled' });
    expect(store.run(run).lease_owner).toBeNull();
  });
});
