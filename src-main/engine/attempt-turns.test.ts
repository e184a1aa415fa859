import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../store/db.ts';
import { createStore } from '../store/store.ts';
import { AttemptTurns } from './attempt-turns.ts';

/** The pauses in a real SQLite store (in memory), whose rows here name no stored run. */
function storeOfPauses() {
  const db = openDatabase(':memory:');
  db.pragma('foreign_keys = OFF');
  return createStore(db);
}

/**
 * Waiting for a held agent's worktree to be quiet (what a terminal waits for before its
 * snapshot): resolved when the attempt waits between turns, or ends; not before its stopped turn
 * has ended; false once the bound passes.
 */
describe('AttemptTurns.quiet', () => {
  afterEach(() => vi.useRealTimers());

  it('resolves once the stopped turn has ended and the attempt waits, not before', async () => {
    const turns = new AttemptTurns(storeOfPauses());
    const hold = turns.holdFor('r', 't', 1);
    let stopped = false;
    hold.interruptible(() => {
      stopped = true;
      return true;
    });
    turns.hold({ run_id: 'r', task_id: 't', by: 'ana', at: 'now' });
    expect(turns.stop('r', 't', 1)).toBe(true);
    expect(stopped).toBe(true);
    let quiet: boolean | null = null;
    const waiting = turns.quiet('r', 't', 60_000).then((q) => {
      quiet = q;
    });
    // Stopped, still winding down: not quiet, nor between turns.
    await Promise.resolve();
    expect(quiet).toBeNull();
    expect(turns.betweenTurns('r', 't')).toBe(false);
    // Its turn's end: the attempt waits while held.
    const controller = new AbortController();
    const released = hold.wait(controller.signal);
    await waiting;
    expect(quiet).toBe(true);
    expect(turns.betweenTurns('r', 't')).toBe(true);
    // Already between turns: at once.
    expect(await turns.quiet('r', 't', 60_000)).toBe(true);
    expect(turns.resume('r', 't')).toBe(true);
    expect(await released).toBe('resumed');
    expect(turns.betweenTurns('r', 't')).toBe(false);
  });

  it('resolves when the attempt ends instead, and answers false once the bound passed', async () => {
    vi.useFakeTimers();
    const turns = new AttemptTurns(storeOfPauses());
    turns.holdFor('r', 't', 1).interruptible(() => true);
    turns.hold({ run_id: 'r', task_id: 't', by: 'ana', at: 'now' });
    const ended = turns.quiet('r', 't', 60_000);
    turns.ended('r', 't', 1, false);
    expect(await ended).toBe(true);
    const never = turns.quiet('r', 'other', 1_000);
    vi.advanceTimersByTime(1_000);
    expect(await never).toBe(false);
  });
});
