import { describe, expect, it } from 'vitest';
import { taskColumnWidth } from './task-column.ts';

/** A font where w is twice as wide as an average letter and i half as wide (10 px a letter). */
const measure = (text: string) => [...text].reduce((n, ch) => n + (ch === 'w' ? 20 : ch === 'i' ? 5 : 10), 0);

describe("the run's Task column", () => {
  it('is as wide as the widest id as drawn, not the longest by count', () => {
    // 10 letters of w are wider than 14 of i: the w's set the width.
    expect(taskColumnWidth(['wwwwwwwwww', 'iiiiiiiiiiiiii'], measure)).toBe(202);
  });

  it('keeps to 8 and 22 letters’ worth, so a short id does not squeeze it and a long one ends in …', () => {
    // The font's average letter, over the alphabet (w and i in it).
    const letter = (24 * 10 + 20 + 5) / 26;
    expect(taskColumnWidth(['a', 'b'], measure)).toBe(Math.ceil(8 * letter + 2));
    expect(taskColumnWidth(['x'.repeat(40)], measure)).toBe(Math.ceil(22 * letter + 2));
    expect(taskColumnWidth([], measure)).toBe(Math.ceil(8 * letter + 2));
  });
});
