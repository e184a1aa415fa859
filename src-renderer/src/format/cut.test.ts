import { describe, expect, it } from 'vitest';
import { cut } from './cut.ts';

describe('cut', () => {
  it('keeps a short text and cuts a long one to at most max characters, the ellipsis included', () => {
    expect(cut('abcd', 4)).toBe('abcd');
    expect(cut('abcde', 4)).toBe('abc…');
  });

  it('keeps `keep` characters before the ellipsis when told', () => {
    expect(cut('abcd', 4, 4)).toBe('abcd');
    expect(cut('abcde', 4, 4)).toBe('abcd…');
  });
});
