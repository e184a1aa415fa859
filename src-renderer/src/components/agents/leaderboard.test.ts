import { describe, expect, it } from 'vitest';
import { checksText, fixRoundsText, leaderboardSkills, winsText } from './leaderboard.ts';

describe("a skill's leaderboard as a person reads it", () => {
  it('offers every registered skill once, sorted', () => {
    expect(
      leaderboardSkills([{ skills: ['ts', 'docs'] }, { skills: ['sql', 'ts'] }, { skills: [] }]),
    ).toEqual(['docs', 'sql', 'ts']);
  });

  it('says wins and checks passed as counts with a whole percent, and — where nothing was counted', () => {
    expect(winsText({ wins: 2, candidacies: 3 })).toBe('2 of 3 (67%)');
    expect(winsText({ wins: 0, candidacies: 0 })).toBe('—');
    expect(checksText({ checks_passed: 4, checked: 5 })).toBe('4 of 5 (80%)');
    expect(checksText({ checks_passed: 0, checked: 0 })).toBe('—');
  });

  it('says fix rounds with how many per checked attempt', () => {
    expect(fixRoundsText({ fix_rounds: 3, checked: 2 })).toBe('3 (1.5 per checked attempt)');
    expect(fixRoundsText({ fix_rounds: 4, checked: 2 })).toBe('4 (2 per checked attempt)');
    expect(fixRoundsText({ fix_rounds: 0, checked: 2 })).toBe('0');
    expect(fixRoundsText({ fix_rounds: 0, checked: 0 })).toBe('—');
  });
});
