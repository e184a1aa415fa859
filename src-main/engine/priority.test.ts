import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandEnd, bandForDue, deadlineBoost, PRIORITY_WEIGHTS, taskScore } from './priority.ts';

const now = Date.parse('2026-11-21T10:00:00Z');

/** The deadline boost as worded: past due ×10, due by the end of today (local) ×5, within 3 days ×2. */
function seedBoost(due: number, at: number): number {
  if (due < at) return 10;
  const endOfToday = new Date(at);
  endOfToday.setHours(23, 59, 59, 999);
  if (due <= endOfToday.getTime()) return 5;
  if (due <= at + 3 * 86_400_000) return 2;
  return 1;
}

describe("the ready queue's priority weights and deadline boosts", () => {
  it('weights CRITICAL > HIGH > MEDIUM > LOW by 1000/100/10/1', () => {
    expect(PRIORITY_WEIGHTS).toEqual({ CRITICAL: 1000, HIGH: 100, MEDIUM: 10, LOW: 1 });
  });
  it('boosts overdue ×10, due today ×5, within 3 days ×2', () => {
    expect(deadlineBoost('2026-11-21T09:00:00Z', now)).toBe(10);
    expect(deadlineBoost('2026-11-21T23:00:00Z', now)).toBe(5);
    expect(deadlineBoost('2026-11-23T12:00:00Z', now)).toBe(2);
    expect(deadlineBoost('2026-12-30T12:00:00Z', now)).toBe(1);
    expect(deadlineBoost(undefined, now)).toBe(1);
    expect(deadlineBoost('not a date', now)).toBe(1);
    expect(taskScore({ priority: 'LOW', deadline: '2026-11-20T00:00:00Z' }, now)).toBe(10);
    expect(taskScore({ priority: 'HIGH' }, now)).toBe(100);
  });

  it("counts 'today' on this machine's clock, not UTC's", () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      // 16:00 in Los Angeles on the 21st is already the 22nd in UTC.
      const evening = Date.parse('2026-11-21T16:00:00-08:00');
      expect(deadlineBoost('2026-11-21T23:30:00-08:00', evening)).toBe(5); // tonight, local
      expect(deadlineBoost('2026-11-22T01:00:00-08:00', evening)).toBe(2); // tomorrow, local
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('changes bands exactly where the seed wording changes the boost', () => {
    bandsFollowTheSeed(now, 2_000);
  });

  it('does so in other time zones, across daylight-saving changes', () => {
    const tz = process.env.TZ;
    try {
      // Each around a DST change: New York (2026-03-08), Berlin (2026-03-29), Lord Howe's half
      // hour (2026-10-04), and a zone a day ahead of UTC.
      for (const [zone, around] of [
        ['America/New_York', '2026-03-08T12:00:00Z'],
        ['Europe/Berlin', '2026-03-29T12:00:00Z'],
        ['Australia/Lord_Howe', '2026-10-04T12:00:00Z'],
        ['Pacific/Kiritimati', '2026-11-21T12:00:00Z'],
      ] as const) {
        process.env.TZ = zone;
        bandsFollowTheSeed(Date.parse(around), 400);
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

/** Bands change exactly where the seed's wording changes the boost, over ±10 days around `around`. */
function bandsFollowTheSeed(around: number, numRuns: number): void {
  const now = around;
  const ms = fc.integer({ min: now - 10 * 86_400_000, max: now + 10 * 86_400_000 });
  fc.assert(
    fc.property(ms, ms, (due, at) => {
      expect(deadlineBoost(new Date(due).toISOString(), at)).toBe(seedBoost(due, at));
      // Each band ends at its edge: not a millisecond before, from the edge on (overdue: after it).
      for (const band of [0, 1, 2] as const) {
        const end = bandEnd(due, band);
        const first = end.after ? end.at + 1 : end.at;
        expect(seedBoost(due, first - 1)).toBeLessThan(seedBoost(due, first));
        expect(bandForDue(due, first - 1)).toBeLessThanOrEqual(band);
        expect(bandForDue(due, first)).toBeGreaterThan(band);
      }
    }),
    { numRuns },
  );
}
