import { describe, expect, it } from 'vitest';
import { exactTime, relativeTime } from './relative-time.ts';

const NOW = Date.parse('2026-11-22T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

describe('relativeTime', () => {
  it('says how long ago, in the unit a person would', () => {
    expect(relativeTime(ago(5_000), NOW)).toBe('just now');
    expect(relativeTime(ago(44_000), NOW)).toBe('just now');
    expect(relativeTime(ago(50_000), NOW)).toBe('1 min ago');
    expect(relativeTime(ago(5 * MIN + 10_000), NOW)).toBe('5 min ago');
    expect(relativeTime(ago(59 * MIN), NOW)).toBe('59 min ago');
    expect(relativeTime(ago(60 * MIN), NOW)).toBe('1 h ago');
    expect(relativeTime(ago(3 * H + 50 * MIN), NOW)).toBe('3 h ago');
    expect(relativeTime(ago(DAY + H), NOW)).toBe('1 day ago');
    expect(relativeTime(ago(6 * DAY), NOW)).toBe('6 days ago');
  });

  it('says how soon for an instant still to come (a deadline)', () => {
    expect(relativeTime(NOW + 10 * MIN, NOW)).toBe('in 10 min');
    expect(relativeTime(NOW + 2 * DAY + H, NOW)).toBe('in 2 days');
  });

  it('gives the date once it is a week or more away, with the year only when it is another', () => {
    expect(relativeTime(ago(12 * DAY), NOW, 'en-US')).toBe('Nov 10');
    expect(relativeTime('2025-03-04T10:00:00.000Z', NOW, 'en-US')).toBe('Mar 4, 2025');
  });

  it('accepts an ISO string, epoch milliseconds or a Date, and says "—" for no instant', () => {
    const iso = ago(2 * H);
    expect(relativeTime(Date.parse(iso), NOW)).toBe('2 h ago');
    expect(relativeTime(new Date(iso), NOW)).toBe('2 h ago');
    expect(relativeTime('not a time', NOW)).toBe('—');
    expect(exactTime('not a time')).toBe('');
  });
});

describe('exactTime', () => {
  it('names the day and the second', () => {
    const exact = exactTime('2026-11-22T09:41:07.000Z', 'en-US');
    expect(exact).toContain('Nov 22, 2026');
    expect(exact).toMatch(/\d{1,2}:41:07/);
  });
});
