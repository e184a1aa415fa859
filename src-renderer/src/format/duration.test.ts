import { describe, expect, it } from 'vitest';
import { durationBetween, formatDuration } from './duration.ts';

describe('formatDuration', () => {
  it('picks the unit a person would', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(35_183)).toBe('35.2 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_620_000)).toBe('2 h 07 min');
    expect(formatDuration(-1)).toBe('—');
    expect(durationBetween('2026-11-21T10:00:00.000Z', '2026-11-21T10:00:01.500Z')).toBe('1.5 s');
  });
});
