import { describe, expect, it } from 'vitest';
import { deadlineOf, localInputOf } from './deadline.ts';

describe('deadline picker', () => {
  it('goes from stored UTC to the picker’s local time and back', () => {
    const stored = '2026-12-01T17:00:00Z';
    const local = localInputOf(stored);
    expect(local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(deadlineOf(local)).toBe(stored);
    // An offset in the stored text is the same instant.
    expect(deadlineOf(localInputOf('2026-12-01T19:00:00+02:00'))).toBe(stored);
  });

  it('shows nothing for what is not a date-time, and clears to no deadline', () => {
    expect(localInputOf('next week')).toBe('');
    expect(localInputOf(undefined)).toBe('');
    expect(deadlineOf('')).toBeUndefined();
  });
});
