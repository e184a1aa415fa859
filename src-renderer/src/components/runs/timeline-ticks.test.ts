import { describe, expect, it } from 'vitest';
import { timeTicks } from './timeline-ticks.ts';

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
