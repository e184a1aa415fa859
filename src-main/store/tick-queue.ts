import type { Statement } from 'better-sqlite3';

/** Whose runs a batch writes, checked by the writer inside its transaction (`RunLeases.fence`). */
export interface BehindFence {
  owner: string;
  runIds: readonly string[];
}

/** An op's statement id that the writer skips: an update a later one of the same row absorbed. */
export const ABSORBED = -1;

/**
 * Updates of one table's rows by key (the task rows, `runs-repo.ts`): in a group handed to the
 * writer, a later update of a row absorbs the earlier ones, and the row is written once.
 */
export interface RowUpdates {
  /** The statement setting the columns of `mask`. */
  statementFor(mask: number): Statement;
  /** Both updates' values as one update setting `earlierMask | laterMask`, the later's where both set a column. */
  merge(
    earlier: readonly unknown[],
    earlierMask: number,
    later: readonly unknown[],
    laterMask: number,
  ): unknown[];
}

/** A tick's captured writes, handed on (`WriteBehind.end`). */
export interface Tick {
  seq: number;
  /** Statements the writer has not been given yet: [id, SQL], … */
  sql: [number, string][];
  /** [statement id, values, …] */
  ops: unknown[];
  /** Its row updates (`RowUpdates`): [index in `ops`, row key, columns mask], … */
  rows: number[];
  fence: BehindFence | null;
}

/** Ticks written as one transaction by the writer thread. */
export interface Group {
  first: number;
  seq: number;
  sql: [number, string][];
  ops: unknown[][];
  owner: string | null;
  runIds: string[];
}

/** Where a row's latest update in the group being made is. */
interface Latest {
  ops: unknown[];
  at: number;
  mask: number;
}

/**
 * Ticks handed on while the writer is busy, oldest first (`WriteBehind`'s group commit): taken a
 * group at a time, their row updates merged.
 */
export class TickQueue {
  private ticks: Tick[] = [];
  /** Captured values waiting. */
  values = 0;
  rowUpdates: RowUpdates | null = null;

  /** A statement's id for the writer, with its SQL when the writer has not been given it. */
  private readonly idOf: (statement: Statement) => { id: number; sql: string | null };

  constructor(idOf: (statement: Statement) => { id: number; sql: string | null }) {
    this.idOf = idOf;
  }

  get length(): number {
    return this.ticks.length;
  }

  push(tick: Tick): void {
    this.ticks.push(tick);
    this.values += tick.ops.length / 2;
  }

  clear(): void {
    this.ticks = [];
    this.values = 0;
  }

  /** The oldest ticks as one group: up to `limit` captured values, one tick at least. */
  take(limit: number): Group {
    const sql: [number, string][] = [];
    const ops: unknown[][] = [];
    const runIds = new Set<string>();
    const latest = new Map<number, Latest>();
    let owner: string | null = null;
    let values = 0;
    const first = this.ticks[0]!.seq;
    let seq = first;
    // Every tick holds a value at least: the first is always taken.
    while (this.ticks.length > 0 && values < limit) {
      const tick = this.ticks.shift()!;
      for (const s of tick.sql) sql.push(s);
      this.absorb(tick, latest, sql);
      ops.push(tick.ops);
      values += tick.ops.length / 2;
      if (tick.fence) {
        owner = tick.fence.owner;
        for (const id of tick.fence.runIds) runIds.add(id);
      }
      seq = tick.seq;
    }
    this.values -= values;
    return { first, seq, sql, ops, owner, runIds: [...runIds] };
  }

  /**
   * A row updated earlier in the group is updated once, where its last update is: the earlier
   * update's values go into it and the earlier one is skipped. Nothing else the writer runs reads
   * or writes those rows, so the row ends as it would have.
   */
  private absorb(tick: Tick, latest: Map<number, Latest>, sql: [number, string][]): void {
    const rows = this.rowUpdates;
    if (!rows) return;
    for (let r = 0; r < tick.rows.length; r += 3) {
      const at = tick.rows[r]!;
      const key = tick.rows[r + 1]!;
      let mask = tick.rows[r + 2]!;
      const prev = latest.get(key);
      if (prev) {
        const merged = rows.merge(
          prev.ops[prev.at + 1] as unknown[],
          prev.mask,
          tick.ops[at + 1] as unknown[],
          mask,
        );
        mask |= prev.mask;
        const statement = this.idOf(rows.statementFor(mask));
        if (statement.sql !== null) sql.push([statement.id, statement.sql]);
        tick.ops[at] = statement.id;
        tick.ops[at + 1] = merged;
        prev.ops[prev.at] = ABSORBED;
        prev.ops[prev.at + 1] = null;
      }
      latest.set(key, { ops: tick.ops, at, mask });
    }
  }
}
