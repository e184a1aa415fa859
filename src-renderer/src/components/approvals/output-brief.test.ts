import { describe, expect, it } from 'vitest';
import { outputBrief } from './output-brief.ts';

describe("a dependency's output in one line", () => {
  it('lays an object out as its fields, text as it is', () => {
    expect(outputBrief({ summary: 'Wrote the notes', files: 4, ok: true, tags: ['a'] })).toBe(
      'summary: Wrote the notes · files: 4 · ok: true · tags: ["a"]',
    );
    expect(outputBrief('plain words')).toBe('plain words');
    expect(outputBrief([1, 2])).toBe('[1,2]');
    expect(outputBrief(null)).toBe('no output');
    expect(outputBrief({})).toBe('an empty object');
  });

  it('cuts a long value and a long line', () => {
    expect(outputBrief({ text: 'x'.repeat(100) })).toBe(`text: ${'x'.repeat(79)}…`);
    const long = outputBrief(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i])), 50);
    expect(long).toHaveLength(50);
    expect(long.endsWith('…')).toBe(true);
  });
});
