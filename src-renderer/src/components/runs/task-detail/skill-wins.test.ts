import { describe, expect, it } from 'vitest';
import { skillWins } from './skill-wins.ts';

describe('the skill wins part in why this agent', () => {
  it('says the factor and the record behind it, or 1 when there is none', () => {
    expect(skillWins({ wins: 3, candidacies: 4, rate: 0.6667, factor: 1.0667 })).toBe(
      '1.07 (won 3 of 4 best-of candidacies for these skills)',
    );
    expect(skillWins({ wins: 1, candidacies: 3, expected: 1, rate: 0.4, factor: 1 })).toBe(
      '1 (won 1 of 3 best-of candidacies for these skills, 1 expected)',
    );
    expect(skillWins(undefined)).toBe('1 (no best-of candidacy for these skills)');
  });
});
