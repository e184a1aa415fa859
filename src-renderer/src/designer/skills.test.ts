import { describe, expect, it } from 'vitest';
import { knownSkills, skillWarning } from './skills.ts';

describe('skills', () => {
  it('lists every registered skill once, sorted', () => {
    expect(knownSkills([{ skills: ['write', 'review'] }, { skills: ['review', 'build'] }])).toEqual([
      'build',
      'review',
      'write',
    ]);
  });

  it('warns about a skill nobody has, naming a near one', () => {
    const known = ['summarization', 'memory_search', 'review'];
    expect(skillWarning('review', known)).toBeNull();
    expect(skillWarning('summarisation', known)).toBe(
      'No registered agent has “summarisation”; did you mean “summarization”?',
    );
    expect(skillWarning('Review', known)).toBe('No registered agent has “Review”; did you mean “review”?');
    expect(skillWarning('alchemy', known)).toBe('No registered agent has “alchemy”.');
    expect(skillWarning('x', [])).toBe('No registered agent has “x”.');
  });
});
