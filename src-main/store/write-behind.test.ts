import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { eventually } from '../../test/kit/engine-kit.ts';
import { createApp } from '../app/create-app.ts';
import type { Executor } from '../engine/executor.ts';
import { openDatabase } from './db.ts';
import { createStore } from './store.ts';
import { runEntry, storeBehind } from './testing/store-behind.ts';
import { mayLag } from './write-behind.ts';

type App = ReturnType<typeof createApp>;
const dirs: string[] = [];
const apps: App[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openApp(
  executors: Record<string, Executor> = {},
  log: (err: unknown, where?: string) => void = () => {},
): { app: App; other: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-behind-'));
  dirs.push(dir);
  const app = createApp({ dataDir: dir, executors, log, writeBehind: true });
  apps.push(app);
  // Another connection, as another process reads the data directory.
  const other = new Database(join(dir, 'baton.db'));
  return { app, other };
}

/** Layers of `width` tasks, each task depending on every task of the layer before. */
function layers(n: number, width: number, agentSkill = 'x') {
  return {
    plan_id: 'p',
    tasks: Array.from({ length: n }, (_, i) => {
      const layer = Math.floor(i / width);
      return {
        task_id: `t${i}`,
        description: `task ${i}`,
        required_skills: [agentSkill],
        depends_on: layer === 0 ? [] : Array.from({ length: width }, (_, c) => `t${(layer - 1) * width + c}`),
      };
    }),
  };
}

async function must<T>(
  r: Promise<{ ok: true; value: unknown } | { ok: false; error: { message: string } }>,
): Promise<T> {
  const res = await r;
  if (!res.ok) throw new Error(res.error.message);
  return res.value as T;
}

async function startRun(app: App, plan: ReturnType<typeof layers>, agent: object): Promise<string> {
  await must(app.dispatch('agents.import', { agents: [agent] }));
  await must(app.dispatch('plans.import', { plan }));
  const { run_id } = await must<{ run_id: string }>(app.dispatch('runs.start', { plan_id: plan.plan_id }));
  return run_id;
}

const statusOn = (db: Database.Database, runId: string, taskId: string) =>
  db.prepare('SELECT status, attempt FROM task_runs WHERE run_id = ? AND task_id = ?').get(runId, taskId) as
    | { status: string; attempt: number }
    | undefined;

describe("the store's writes behind the engine", () => {
  it("tells a task's change only once another connection reads it, and every read here sees it at once", async () => {
    const { app, other } = openApp();
    const told: string[] = [];
    app.bus.subscribe((batch) => {
      for (const e of batch) {
        if (e.name !== 'task.updated') continue;
        const t = e.payload as TaskRun;
        // The event describes a row already stored: another process reads it (or a later state).
        const stored = statusOn(other, t.run_id, t.task_id)?.status;
        if (t.status === 'done') expect(stored).toBe('done');
        if (t.status === 'in_progress') expect(['in_progress', 'done']).toContain(stored);
        // And this process's own reads see at least as much.
        const here = app.store.runs.task(t.run_id, t.task_id)?.status;
        if (t.status === 'done') {
          expect(here).toBe('done');
          told.push(t.task_id);
        }
      }
    });
    const runId = await startRun(app, layers(300, 30), {
      id: 'e',
      kind: 'echo',
      skills: ['x'],
      max_concurrency: 100,
    });
    const settled = await app.engine.whenSettled(runId);
    expect(settled.status).toBe('completed');
    // The run's end read here and from another connection: every row done, the counts agree.
    expect(app.store.runs.get(runId)?.counts.done).toBe(300);
    const done = other.prepare("SELECT count(*) FROM task_runs WHERE run_id = ? AND status = 'done'").pluck();
    expect(done.get(runId)).toBe(300);
    expect(new Set(told).size).toBe(300);
    // Audit entries and results came through the writer too.
    const audits = other
      .prepare("SELECT count(*) FROM audit_entries WHERE run_id = ? AND to_status = 'done'")
      .pluck();
    expect(audits.get(runId)).toBe(300);
    other.close();
  });

  it('starts an agent that works outside the process only once its task is stored in progress', async () => {
    let other: Database.Database | null = null;
    const seen: {
      task: string;
      status: string | undefined;
      attempt: number | undefined;
      expected: number;
    }[] = [];
    const outside: Executor = {
      usesWorkspace: false,
      async *start(ctx) {
        const row = other && statusOn(other, ctx.run_id, ctx.task.task_id);
        seen.push({
          task: ctx.task.task_id,
          status: row?.status,
          attempt: row?.attempt,
          expected: ctx.attempt,
        });
        yield { type: 'result', output: { ok: true } };
      },
    };
    const opened = openApp({ echo: outside });
    other = opened.other;
    const runId = await startRun(opened.app, layers(200, 40), {
      id: 'o',
      kind: 'echo',
      skills: ['x'],
      max_concurrency: 100,
    });
    expect((await opened.app.engine.whenSettled(runId)).status).toBe('completed');
    expect(seen).toHaveLength(200);
    for (const s of seen) expect(s).toMatchObject({ status: 'in_progress', attempt: s.expected });
    opened.other.close();
  });

  it('reloads the runs of a tick the writer could not store, and the run still ends with each task done once', async () => {
    const logged: string[] = [];
    const { app, other } = openApp({}, (err, where) => logged.push(`${where}: ${(err as Error).message}`));
    // The writer's connection refuses one task's result once (a disk that failed a moment), as
    // another process's trigger: the tick it was in rolls back there, and its run is reloaded.
    other.exec(`CREATE TABLE fail_once (n INTEGER); INSERT INTO fail_once VALUES (1);
      CREATE TRIGGER refuse BEFORE UPDATE ON task_runs
        WHEN new.task_id = 't45' AND new.status = 'done' AND (SELECT n FROM fail_once) = 1
        BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;`);
    const runId = await startRun(app, layers(100, 10), {
      id: 'e',
      kind: 'echo',
      skills: ['x'],
      max_concurrency: 100,
    });
    // Let the refused tick be taken up, then let the disk recover.
    await expect
      .poll(
        () => {
          const row = statusOn(other, runId, 't45');
          return row && row.attempt >= 2 ? 'retried' : row?.status;
        },
        { timeout: 20_000 },
      )
      .toBe('retried');
    other.exec('UPDATE fail_once SET n = 0');
    expect((await app.engine.whenSettled(runId)).status).toBe('completed');
    const done = other.prepare("SELECT count(*) FROM task_runs WHERE run_id = ? AND status = 'done'").pluck();
    expect(done.get(runId)).toBe(100);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.some((l) => l === "the engine's writes: disk trouble")).toBe(true);
    other.close();
  });
});

/** An audit entry of run r1. */

describe("a run's end the writer refuses because another process took the run", () => {
  it('tells whoever waits for the run its row as stored, instead of leaving them waiting', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started = false;
    const gated: Executor = {
      usesWorkspace: false,
      async *start() {
        started = true;
        await gate;
        yield { type: 'result', output: { ok: true } };
      },
    };
    const { app, other } = openApp({ echo: gated });
    const runId = await startRun(app, layers(1, 1), { id: 'g', kind: 'echo', skills: ['x'] });
    await eventually(() => started);
    const settled = app.engine.whenSettled(runId);
    // Another process takes the run's lease, holding the write lock until the run's end is handed on.
    other.exec('BEGIN IMMEDIATE');
    other
      .prepare("UPDATE runs SET lease_owner = 'another-process', lease_expires_at = ? WHERE id = ?")
      .run(Date.now() + 3_600_000, runId);
    release();
    await eventually(() => app.store.unwritten() > 0);
    other.exec('COMMIT');
    // The writer refuses the end (the lease is not ours); the run is not taken up again here.
    const run = await settled;
    expect(run.status).toBe('executing');
    expect(app.engine.isActive(runId)).toBe(false);
    other.close();
  });
});

describe('a tick gone direct whose COMMIT fails', () => {
  it('is rolled back before the error goes on: nothing of it is stored, and the next tick is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-behind-'));
    dirs.push(dir);
    const file = join(dir, 'baton.db');
    const db = openDatabase(dir);
    const store = createStore(db, undefined, { behindFile: file });
    const other = new Database(file, { readonly: true });
    const audit = (why: string) => store.memory.audit(runEntry(why));
    const count = (sql: string) => (other.prepare(sql).pluck().get() as number) ?? 0;
    try {
      // A pragma inside the tick turns it into an ordinary transaction on the engine's
      // connection; the foreign key, deferred, is checked only at COMMIT, which then fails.
      expect(() =>
        store.txBehind(
          () => {
            audit('captured, then written direct');
            db.pragma('defer_foreign_keys = ON');
            store.handedAnswers.hand({
              approval_id: 'apr-none',
              run_id: 'r1',
              decision: '{}',
              handed_at: 'now',
            });
          },
          () => null,
        ),
      ).toThrow(/FOREIGN KEY/);
      expect(db.inTransaction).toBe(false);
      expect(count("SELECT count(*) FROM audit_entries WHERE why = 'captured, then written direct'")).toBe(0);
      expect(count('SELECT count(*) FROM handed_answers')).toBe(0);
      // The next tick goes behind the engine as before, and is written.
      store.txBehind(
        () => audit('the next tick'),
        () => null,
      );
      await new Promise<void>((written, dropped) => store.whenWritten(store.unwritten(), written, dropped));
      expect(count("SELECT count(*) FROM audit_entries WHERE why = 'the next tick'")).toBe(1);
    } finally {
      other.close();
      await store.stopWriter();
      db.close();
    }
  });
});

describe('a writer thread that is gone', () => {
  it('fails a statement that waited for it instead of blocking the engine for good; later ticks are written here', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-behind-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    // Its file is not there: the thread fails as it starts, while the engine's thread is blocked.
    const store = createStore(db, undefined, { behindFile: join(dir, 'not-there.db') });
    // The engine's audit entries: written behind it.
    const audit = (why: string) => store.memory.auditMany([runEntry(why)]);
    const count = (why: string) =>
      db.prepare('SELECT count(*) FROM audit_entries WHERE why = ?').pluck().get(why) as number;
    try {
      store.txBehind(
        () => audit('handed to a thread that is gone'),
        () => null,
      );
      const lost = store.unwritten();
      // The read waits for the writer, which will never write: it fails rather than wait for ever.
      expect(() => count('handed to a thread that is gone')).toThrow(/writer thread stopped/);
      // What waited for the lost tick is told it was dropped.
      await new Promise<void>((written, dropped) => store.whenWritten(lost, () => written(), dropped)).then(
        () => expect.fail('the lost tick was said to be written'),
        () => undefined,
      );
      // The next tick is written on the engine's own connection, as with no writer.
      store.txBehind(
        () => audit('the next tick'),
        () => null,
      );
      expect(count('the next tick')).toBe(1);
      expect(count('handed to a thread that is gone')).toBe(0);
    } finally {
      await store.stopWriter();
      db.close();
    }
  });
});

describe('ticks handed on while the writer is busy', () => {
  it('do not hold up the engine, and go in, in order, once the writer is free', async () => {
    const { store, other, tick, written, close } = storeBehind();
    try {
      // Another process holds the write lock: the writer waits for it (its busy timeout is 5 s).
      other.exec('BEGIN IMMEDIATE');
      // More ticks than the writer was allowed to be behind before (8): each one here would have
      // waited on the writer, which waits on the lock this thread holds.
      for (let i = 0; i < 30; i++) tick(`tick ${i}`);
      const last = store.unwritten();
      expect(last).toBeGreaterThan(0);
      other.exec('COMMIT');
      expect(await written(last)).toBe(true);
      const rows = other
        .prepare("SELECT why FROM audit_entries WHERE why LIKE 'tick %' ORDER BY id")
        .pluck()
        .all();
      expect(rows).toEqual(Array.from({ length: 30 }, (_, i) => `tick ${i}`));
    } finally {
      await close();
    }
  });
});

describe('what need not wait for the writer', () => {
  it('a read marked mayLag and a pragma of the connection run while the writer is held', async () => {
    const { db, store, other, tick, written, close } = storeBehind();
    const lagging = db.prepare(mayLag('SELECT why FROM audit_entries ORDER BY id')).pluck();
    try {
      tick('written');
      expect(await written(store.unwritten())).toBe(true);
      other.exec('BEGIN IMMEDIATE');
      tick('held');
      const held = store.unwritten();
      // Each would wait for the writer, which waits for the lock this thread holds (5 s, then fails).
      expect(lagging.all()).toEqual(['written']);
      db.pragma('wal_autocheckpoint = 0');
      other.exec('COMMIT');
      expect(await written(held)).toBe(true);
      expect(lagging.all()).toEqual(['written', 'held']);
    } finally {
      await close();
    }
  });
});

describe('a batch the writer drops after a failure', () => {
  it('still gives the writer its new statements: a later tick that uses one is written', async () => {
    const { store, other, tick, written, close } = storeBehind();
    try {
      other.exec(`CREATE TRIGGER refuse BEFORE INSERT ON audit_entries WHEN new.why = 'refused'
        BEGIN SELECT RAISE(ABORT, 'refused'); END;`);
      other.exec('BEGIN IMMEDIATE');
      tick('refused');
      const refused = store.unwritten();
      // Four rows: a statement the writer has not had yet, handed on with a batch it will drop.
      tick('dropped', 'dropped', 'dropped', 'dropped');
      const dropped = store.unwritten();
      other.exec('COMMIT');
      expect(await written(refused)).toBe(false);
      expect(await written(dropped)).toBe(false);
      tick('after', 'after', 'after', 'after');
      expect(await written(store.unwritten())).toBe(true);
      const count = other.prepare('SELECT why, count(*) AS n FROM audit_entries GROUP BY why').all();
      expect(count).toEqual([{ why: 'after', n: 4 }]);
    } finally {
      await close();
    }
  });
});
