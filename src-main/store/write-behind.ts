import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Statement } from 'better-sqlite3';
import { CONNECTION_PRAGMAS, guard, mayLag, statementKind, WATCHED_TABLES } from './behind-statements.ts';
import type { Db } from './db.ts';
import { type BehindFence, type RowUpdates, TickQueue } from './tick-queue.ts';
import { WRITER } from './write-behind-thread.ts';
import { WriterRoom } from './writer-room.ts';

export type { BehindFence };
export { mayLag };

/**
 * Group commit (`WriteBehind.end`): ticks handed on while the writer is busy wait here, and go
 * to it together once it is free, up to `GROUP_VALUES` captured values a transaction (fewer
 * commits; what the writer's thread holds at once stays small). The engine's thread waits for the
 * writer only once `MAX_QUEUED` values wait (memory stays bounded). What waits on a tick's commit
 * (its events and effects, the attempts it started) lives as long as the writer lags: with 4,000
 * a 100,000-task run lagged ~15 ticks (~60 ms, three scavenges), and that garbage died in the old
 * generation; at 1,000 or 2,000 far less did (docs/speed.md, "Garbage that dies young").
 */
const GROUP_VALUES = 500;
const MAX_QUEUED = 2_000;
/**
 * Past `MAX_QUEUED` the engine holds its next tick until the writer has taken some (`WriterRoom`),
 * leaving the thread to the calls meanwhile; a tick still waits on the thread, for the writer's
 * current group, only past this (calls' own writes, a run's start that wrote a whole plan).
 */
const MOST_QUEUED = 16_000;

/** Batches the writer could not apply (a full disk, a run another process took): their runs. */
export interface BehindFailure {
  runIds: string[];
  error: Error;
}

interface Waiting {
  seq: number;
  done: () => void;
  dropped: () => void;
}

/** A transaction level opened while its writes were captured: where its writes start. */
interface Level {
  mark: number;
  savepoint: string | null;
}

/**
 * Writes behind the engine (docs/speed.md, "The writes behind the engine"). A tick's transaction
 * (`store.txBehind`) does not open a SQLite transaction: the writes of its hot statements (task
 * rows, audit entries, task results, build logs) are captured as bound values and handed, at its
 * end, to a writer thread with its own connection, which applies them as one transaction while
 * the engine goes on. On two cores the engine and SQLite then run at once.
 *
 * Every other statement keeps the order of a single connection: one naming those tables, or
 * writing anything, first waits until the writer has applied all it was handed (`Atomics.wait`);
 * inside a tick's transaction it turns the transaction into an ordinary one on the engine's
 * connection (the writer drained, `BEGIN IMMEDIATE`, the writes captured so far applied, then the
 * statement). What acts on a tick (its events, its effects, agents that outlive the process) waits
 * for the writer's commit (`whenApplied`). A batch the writer fails is rolled back there, with every
 * batch handed after it until the engine has reloaded their runs (`onFailed`).
 */
export class WriteBehind {
  private readonly worker: Worker;
  /**
   * [0]: the last batch the writer is done with; [1]: 1 once one failed, until the engine took it
   * up; [2]: the batch that failed; [3]: 1 once the thread cannot go on.
   */
  private readonly shared = new Int32Array(new SharedArrayBuffer(16));
  private readonly exited: Promise<void>;
  private readonly db: Db;
  private readonly raw: (sql: string) => Statement;
  private posted = 0;
  /** The last tick posted to the thread; the ones after it wait in `queue`, oldest first. */
  private sent = 0;
  private readonly queue = new TickQueue((statement) => this.idOf(statement));
  /** The current transaction's captured writes ([statement id, values, …]); null when none is captured. */
  private ops: unknown[] | null = null;
  private levels: Level[] = [];
  /** The current transaction's row updates (`RowUpdates`): [index in `ops`, row key, columns mask], … */
  private rows: number[] = [];
  /** The current transaction went direct: it is an ordinary one on the engine's connection. */
  private directTx = false;
  private readonly ids = new WeakMap<Statement, number>();
  /** By statement id: it writes a watched table (`WATCHED_TABLES`). */
  private readonly watchedIds: boolean[] = [];
  /** The current transaction captured a write to a watched table. */
  private tickWatched = false;
  /** The last batch handed on with a write to a watched table (0: none). */
  private watchedSeq = 0;
  private readonly sqlOf: string[] = [];
  private newSql: [number, string][] = [];
  private readonly rawById = new Map<number, Statement>();
  private readonly waiting: Waiting[] = [];
  /** When the engine may hand on its next tick, and work that needs the writer idle. */
  readonly room = new WriterRoom({
    crowded: () => this.queue.values > MAX_QUEUED,
    stopped: () => this.stopped,
    closing: () => this.stopped && !this.gone,
    handed: () => this.posted,
    writtenOr: (seq, then) => {
      if (this.applied >= seq) return true;
      this.whenApplied(seq, then, then);
      return false;
    },
  });
  /** The runs of each batch handed on, until the writer is done with it. */
  private readonly runsOf = new Map<number, readonly string[]>();
  private readonly failedSeqs = new Set<number>();
  private stopped = false;
  /** The thread is gone (`lost`). */
  private gone = false;
  /** What the writer said of the last batch it failed. */
  private lastError: string | null = null;
  /** Told the runs of batches the writer could not apply: they are reloaded from the store. */
  onFailed: ((f: BehindFailure) => void) | null = null;

  constructor(db: Db, file: string) {
    this.db = db;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WRITER, {
      eval: true,
      workerData: { driver, file, shared: this.shared.buffer },
      // Its garbage is each batch's copy: a small young generation (the engine's V8 flags ask for
      // 16 MB semi-spaces, which a worker would take too).
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    this.worker.unref();
    this.worker.on('message', (m: { seq: number; error: { message: string; code: string | null } | null }) =>
      this.acked(m),
    );
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('error', (err) => this.lost(err));
    const prepare = db.prepare.bind(db) as (sql: string) => Statement;
    this.raw = prepare;
    // Every statement prepared from here on keeps a single connection's order (`before`).
    const self = this;
    (db as { prepare: unknown }).prepare = function (this: unknown, ...args: unknown[]) {
      const statement = (prepare as (...a: unknown[]) => Statement)(...args);
      const { behindTable, watched } = statementKind(args[0] as string);
      guard(statement, behindTable, watched, self);
      return statement;
    };
    // A transaction begins on this connection only once the writer is done (it would wait for
    // the writer's lock, and the writer for it); inside a tick's, it goes direct first.
    const transaction = db.transaction.bind(db);
    (db as { transaction: unknown }).transaction = (fn: (...a: unknown[]) => unknown) => {
      const t = transaction(fn);
      const wrap = (variant: (...a: unknown[]) => unknown) =>
        function (this: unknown, ...args: unknown[]) {
          self.before(true, false);
          return variant.apply(this, args);
        };
      return Object.assign(wrap(t), {
        default: wrap(t.default),
        deferred: wrap(t.deferred),
        immediate: wrap(t.immediate),
        exclusive: wrap(t.exclusive),
        database: db,
      });
    };
    for (const name of ['exec', 'pragma'] as const) {
      const f = (db[name] as (...a: unknown[]) => unknown).bind(db);
      (db as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        if (name === 'exec' || !CONNECTION_PRAGMAS.test(args[0] as string)) self.before(true, false);
        return f(...args);
      };
    }
  }

  private get applied(): number {
    return Atomics.load(this.shared, 0);
  }

  /** True inside a transaction whose writes are captured or went direct (`txBehind`). */
  get active(): boolean {
    return this.ops !== null || this.directTx;
  }

  /** The last batch handed on while the writer has not applied it; 0 when the writer is done. */
  get pending(): number {
    return this.posted > this.applied ? this.posted : 0;
  }

  /**
   * Called before each statement of the engine's connection runs; `watched`: it names a watched
   * table, and waits as one naming a table behind the engine while a write to one is unwritten.
   */
  before(behindTable: boolean, reader: boolean, watched = false): void {
    if (this.ops !== null) {
      if (behindTable || !reader || (watched && (this.tickWatched || this.watchedSeq > this.applied)))
        this.goDirect();
      return;
    }
    if (
      (behindTable || !reader || (watched && this.watchedSeq > this.applied)) &&
      this.posted !== this.applied
    )
      this.drain();
  }

  /**
   * Captures a hot statement's write inside a tick's transaction; false when it is to run now.
   * `row`: an update of the `rowUpdates` family, [row key, columns mask].
   */
  capture(statement: Statement, values: unknown, row?: readonly [number, number]): boolean {
    const ops = this.ops;
    if (ops === null) return false;
    const { id, sql } = this.idOf(statement);
    if (sql !== null) {
      this.newSql.push([id, sql]);
      this.watchedIds[id] = WATCHED_TABLES.test(sql);
    }
    if (this.watchedIds[id]) this.tickWatched = true;
    if (row) this.rows.push(ops.length, row[0], row[1]);
    ops.push(id, values);
    return true;
  }

  /** Updates whose later one of a row absorbs the earlier ones handed on in the same group (the task rows). */
  mergeRows(updates: RowUpdates): void {
    this.queue.rowUpdates = updates;
  }

  /** A statement's id for the writer, with its SQL the first time (the writer prepares it then). */
  private idOf(statement: Statement): { id: number; sql: string | null } {
    const known = this.ids.get(statement);
    if (known !== undefined) return { id: known, sql: null };
    const id = this.sqlOf.length;
    this.sqlOf.push(statement.source);
    this.ids.set(statement, id);
    return { id, sql: statement.source };
  }

  /** A tick's transaction begins: its hot writes are captured. */
  begin(): void {
    this.ops = [];
    this.tickWatched = false;
    this.rows = [];
    this.levels = [];
    this.directTx = false;
  }

  /**
   * A transaction inside the tick's: rolled back alone when `fn` throws (its captured writes
   * dropped, or back to its savepoint once the tick's went direct).
   */
  nested<T>(fn: () => T, direct: () => T): T {
    if (this.ops === null) return direct();
    const level: Level = { mark: this.ops.length, savepoint: null };
    this.levels.push(level);
    try {
      const result = fn();
      if (level.savepoint) this.raw(`RELEASE ${level.savepoint}`).run();
      return result;
    } catch (err) {
      if (this.ops !== null) {
        this.ops.length = level.mark;
        while (this.rows.length > 0 && this.rows.at(-3)! >= level.mark) this.rows.length -= 3;
      } else if (level.savepoint && this.directTx) {
        this.raw(`ROLLBACK TO ${level.savepoint}`).run();
        this.raw(`RELEASE ${level.savepoint}`).run();
      }
      throw err;
    } finally {
      this.levels.pop();
    }
  }

  /**
   * The tick's transaction ends. Committed with captured writes, they are handed to the writer
   * (with the runs' lease `fence`); went direct, it commits or rolls back on this connection.
   */
  end(commit: boolean, fence: BehindFence | null): void {
    const ops = this.ops;
    this.ops = null;
    this.levels = [];
    if (this.directTx) {
      this.directTx = false;
      this.finish(commit);
      return;
    }
    if (!commit || ops === null || ops.length === 0) return;
    if (this.stopped) {
      // The thread is gone: the writes go in here, as before there was one.
      try {
        this.goDirectWith(ops);
      } catch (err) {
        this.directTx = false;
        if (this.db.inTransaction) this.raw('ROLLBACK').run();
        throw err;
      }
      this.directTx = false;
      this.finish(true);
      return;
    }
    const seq = ++this.posted;
    if (this.tickWatched) this.watchedSeq = seq;
    this.runsOf.set(seq, fence?.runIds ?? []);
    this.queue.push({ seq, sql: this.newSql, ops, rows: this.rows, fence });
    this.newSql = [];
    this.rows = [];
    // A free writer takes this tick now; a busy one, once done, every tick handed on meanwhile.
    if (this.applied >= this.sent) this.post();
    else if (this.queue.values > MOST_QUEUED && this.waitUntil(this.sent)) this.post();
  }

  /** Hands the writer thread the ticks waiting, as one transaction of up to `GROUP_VALUES` values (`all`: every one, in such groups). */
  private post(all = false): void {
    while (this.queue.length > 0) {
      const group = this.queue.take(GROUP_VALUES);
      this.sent = group.seq;
      this.worker.postMessage(group);
      if (!all) return;
    }
  }

  /** Ends a transaction gone direct; one whose commit fails (a full disk) is rolled back before the error goes on. */
  private finish(commit: boolean): void {
    if (!commit) {
      this.raw('ROLLBACK').run();
      return;
    }
    try {
      this.raw('COMMIT').run();
    } catch (err) {
      if (this.db.inTransaction) this.raw('ROLLBACK').run();
      throw err;
    }
  }

  /** Runs `done` once the writer has committed batch `seq` (now, if it has); `dropped` if it failed. */
  whenApplied(seq: number, done: () => void, dropped: () => void): void {
    this.waiting.push({ seq, done, dropped });
    if (seq <= this.applied) this.settle();
  }

  /** Runs, in order, what waited for batches the writer is done with. */
  settle(): void {
    // A failure not yet taken up (`acked`): what waits on it must not run as written.
    if (Atomics.load(this.shared, 1) === 1 && !this.stopped) return;
    const applied = this.applied;
    while (this.waiting.length > 0 && this.waiting[0]!.seq <= applied) {
      const w = this.waiting.shift()!;
      if (this.failedSeqs.has(w.seq)) w.dropped();
      else w.done();
    }
  }

  /**
   * Waits until the writer has applied everything handed to it. If it failed meanwhile, the
   * caller's statement must not build on what is missing: the failure is taken up (its runs are
   * reloaded next) and the statement fails.
   */
  drain(): void {
    if (!this.waitUntil(this.posted))
      throw new Error("the store's writer thread stopped: a tick's writes were lost");
    const failure = this.takeFailure();
    if (!failure) return;
    // Told from the event loop, with the writer's own words if they have come by then.
    setImmediate(() =>
      this.onFailed?.({ ...failure, error: this.lastError ? new Error(this.lastError) : failure.error }),
    );
    throw failure.error;
  }
  /** Ends the writer thread once it has applied everything handed to it. */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.waitUntil(this.posted);
      // What waits for the last batches is told now (their acks are read after this, when nothing
      // is settled any more): written, or dropped when the writer failed one and nobody took it up.
      if (Atomics.load(this.shared, 1) === 1) this.failFrom(Atomics.load(this.shared, 2));
      this.settle();
      this.room.free();
      this.worker.ref();
      this.worker.postMessage('stop');
    }
    return this.exited;
  }

  /**
   * Waits until the writer is done with batch `seq`; false when the thread is gone instead
   * (`lost`: what it had not applied failed).
   */
  private waitUntil(seq: number): boolean {
    if (seq > this.sent) this.post(true);
    for (;;) {
      const applied = this.applied;
      if (applied >= seq) return true;
      if (Atomics.load(this.shared, 3) === 1) {
        this.lost(new Error("the store's writer thread stopped"));
        return false;
      }
      Atomics.wait(this.shared, 0, applied, 1000);
    }
  }

  /**
   * The thread failed (its 'error' event, or seen from a wait that blocks the event loop): what
   * it had not applied failed, their runs are reloaded, and later transactions go direct.
   */
  private lost(err: Error): void {
    if (this.gone) return;
    this.gone = true;
    const from = this.applied + 1;
    this.stopped = true;
    this.queue.clear();
    this.sent = this.posted;
    Atomics.store(this.shared, 0, this.posted);
    const runIds = this.failFrom(from);
    // Told from the event loop, not from inside the statement that was waiting.
    setImmediate(() => {
      this.settle();
      this.room.free();
      if (runIds.length > 0) this.onFailed?.({ runIds, error: err });
    });
  }

  /** The tick's transaction becomes an ordinary one here: a statement needs what it wrote. */
  private goDirect(): void {
    const ops = this.ops!;
    this.ops = null;
    this.rows = [];
    this.drain();
    this.goDirectWith(ops);
  }

  private goDirectWith(ops: unknown[]): void {
    this.raw('BEGIN IMMEDIATE').run();
    this.directTx = true;
    let from = 0;
    this.levels.forEach((level, i) => {
      this.applyOps(ops, from, level.mark);
      from = level.mark;
      level.savepoint = `behind_${i}`;
      this.raw(`SAVEPOINT ${level.savepoint}`).run();
    });
    this.applyOps(ops, from, ops.length);
  }

  private applyOps(ops: unknown[], from: number, to: number): void {
    for (let i = from; i < to; i += 2) {
      const id = ops[i] as number;
      let statement = this.rawById.get(id);
      if (!statement) {
        statement = this.raw(this.sqlOf[id]!);
        this.rawById.set(id, statement);
      }
      statement.run(ops[i + 1] as never);
    }
  }

  /** The writer's word on a batch: done (something waited for it), or failed. */
  private acked(m: { seq: number; error: { message: string; code: string | null } | null }): void {
    if (m.error) {
      if (m.error.code !== 'BATON_DROPPED') this.lastError = m.error.message;
      const failure = this.takeFailure();
      if (failure) this.onFailed?.(failure);
      this.room.free();
      return;
    }
    // Its ticks, in the order they were handed on.
    for (const seq of this.runsOf.keys()) {
      if (seq > m.seq) break;
      this.runsOf.delete(seq);
    }
    this.settle();
    if (this.applied >= this.sent) this.post();
    this.room.free();
  }

  /**
   * A failure of the writer not yet taken up: the batch that failed and every one handed on after
   * it (the writer drops them until told to resume) fail together; what waited on them is told,
   * and their runs are returned, to be reloaded once.
   */
  private takeFailure(): BehindFailure | null {
    if (Atomics.load(this.shared, 1) !== 1 || this.stopped) return null;
    this.waitUntil(this.posted);
    const runIds = this.failFrom(Atomics.load(this.shared, 2));
    Atomics.store(this.shared, 1, 0);
    this.worker.postMessage('resume');
    this.settle();
    return { runIds, error: new Error(this.lastError ?? "the store's writer could not write a tick") };
  }

  /** Batches `first` to the last handed on are failed: their runs, each once. */
  private failFrom(first: number): string[] {
    const runIds = new Set<string>();
    for (let seq = first; seq <= this.posted; seq++) {
      this.failedSeqs.add(seq);
      for (const id of this.runsOf.get(seq) ?? []) runIds.add(id);
      this.runsOf.delete(seq);
    }
    return [...runIds];
  }
}
