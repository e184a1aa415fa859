import { describe, expect, it } from 'vitest';
import { limitedUntil, resetsIn, withCountdown } from './limits.ts';

// Times on this machine's clock: the test builds them the same way.
const at = (h: number, m: number, day = 26) => new Date(2026, 10, day, h, m).getTime();

describe('the countdown to a limit’s reset', () => {
  it('says how long in hours and minutes, days when it is that far', () => {
    expect(resetsIn(72 * 60_000)).toBe('1 h 12 m');
    expect(resetsIn(60 * 60_000)).toBe('1 h');
    expect(resetsIn(12 * 60_000 + 59_000)).toBe('13 m');
    expect(resetsIn(30_000)).toBe('under a minute');
    expect(resetsIn(-5)).toBe('under a minute');
    expect(resetsIn((2 * 24 + 3) * 3_600_000)).toBe('2 d 3 h');
  });

  it('says an agent limited until its reset on the local clock, with the date when not today', () => {
    const now = at(12, 53);
    expect(limitedUntil(new Date(at(14, 5)).toISOString(), now)).toBe(
      'limited until 14:05 (resets in 1 h 12 m)',
    );
    expect(limitedUntil(new Date(at(9, 0, 27)).toISOString(), now)).toBe(
      'limited until 27 Nov 09:00 (resets in 20 h 7 m)',
    );
  });

  it("rewrites a quota wait's reason and matching's why-not, keeping the vendor's words; other reasons as they are", () => {
    const now = at(12, 53);
    const iso = new Date(at(14, 5)).toISOString();
    expect(
      withCountdown(`Waiting for quota until ${iso}: rate_limit_error: slow down; it resets at ${iso}`, now),
    ).toBe(
      'Waiting for quota until 14:05 (resets in 1 h 12 m): rate_limit_error: slow down; it resets at 14:05',
    );
    expect(
      withCountdown(`limited until ${iso} (reset not said, or past a year: tried again then): 429`, now),
    ).toBe(
      'limited until 14:05 (resets in 1 h 12 m) (reset not said, or past a year: tried again then): 429',
    );
    expect(withCountdown('no skill "x"', now)).toBe('no skill "x"');
  });
});
