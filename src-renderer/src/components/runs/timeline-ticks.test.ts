import { describe, expect, it } from 'vitest';
import { ticksFor, timeTicks, windowTicks } from './timeline-ticks.ts';

describe('the timeline axis', () => {
  it('ticks at round steps from 0, at most six after it, none past the end', () => {
    expect(timeTicks(1_400)).toEqual([0, 500, 1_000]);
    expect(timeTicks(11_100)).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000]);
    expect(timeTicks(600)).toEqual([0, 100, 200, 300, 400, 500, 600]);
    expect(timeTicks(90 * 60_000)).toEqual([0, 1_800_000, 3_600_000, 5_400_000]);
    for (const span of [1, 7, 333, 59_999, 3_600_001, 10 * 86_400_000]) {
      const ticks = timeTicks(span);
      expect(ticks[0]).toBe(0);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(7);
      expect(ticks.at(-1)).toBeLessThanOrEqual(span);
    }
  });

  it('has one tick, 0, for a run that has not lasted yet', () => {
    expect(timeTicks(0)).toEqual([0]);
  });
});

describe("the timeline axis's room", () => {
  it('has as many labels as its width holds apart: fewer on a phone, six on a desk', () => {
    // A phone's axis (~235 px): seven labels of "1 min 20 s" ran into each other.
    expect(ticksFor(235)).toBe(2);
    expect(windowTicks(0, 150_000, ticksFor(235))).toEqual([0, 120_000]);
    expect(ticksFor(450)).toBe(4);
    expect(ticksFor(1_100)).toBe(6);
    // Not laid out yet: as before.
    expect(ticksFor(0)).toBe(6);
  });
});
