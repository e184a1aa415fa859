import { describe, expect, it, vi } from 'vitest';
import { inTurn, nextTurn, PHASE_MS } from './turns.ts';

/** Holds the thread `ms` of wall time, as a slice of real work does. */
const hold = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
/** Waits until all of `order`'s `n` entries are in. */
const settled = (order: string[], n: number) => vi.waitFor(() => expect(order).toHaveLength(n));

describe('turns shared by the slices of work', () => {
  it("leaves the loop's other work its turn once a phase's time is spent, and always runs the first slice", async () => {
    const order: string[] = [];
    inTurn(() => {
      // Due long before the slice ends: it runs once the loop gets round to its timers.
      setTimeout(() => order.push('timer'), 0);
      hold(PHASE_MS + 2);
      order.push('a');
    });
    inTurn(() => order.push('b'));
    await settled(order, 3);
    // Without the gate, every immediate queued before the check phase ran back to back: a, b, timer.
    expect(order).toEqual(['a', 'timer', 'b']);
  });

  it('runs a slice that waited a phase before those asked for since', async () => {
    const order: string[] = [];
    inTurn(() => {
      hold(PHASE_MS + 2);
      order.push('tick 1');
      // A slice that asks for its next turn at once (the engine's tick) does not go first again.
      inTurn(() => order.push('tick 2'));
    });
    inTurn(() => order.push('import slice'));
    await settled(order, 3);
    expect(order).toEqual(['tick 1', 'import slice', 'tick 2']);
  });

  it("counts a waiter's continuation against the phase", async () => {
    const order: string[] = [];
    void nextTurn().then(() => {
      setTimeout(() => order.push('timer'), 0);
      hold(PHASE_MS + 2);
      order.push('continuation');
    });
    inTurn(() => order.push('next slice'));
    await settled(order, 3);
    expect(order).toEqual(['continuation', 'timer', 'next slice']);
  });

  it("runs a slice asked for under a test's fake timers, on the real loop", async () => {
    const order: string[] = [];
    vi.useFakeTimers();
    try {
      inTurn(() => order.push('slice'));
    } finally {
      // Fake immediates still pending are dropped here.
      vi.useRealTimers();
    }
    await settled(order, 1);
    inTurn(() => order.push('next'));
    await settled(order, 2);
  });
});
