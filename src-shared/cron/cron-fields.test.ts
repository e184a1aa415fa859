import { describe, expect, it } from 'vitest';
import { cronerMessageInWords, cronFieldError } from './cron-fields.ts';

describe('cronFieldError', () => {
  it.each([
    ['61 9 * * *', 'Minute: 61 is not 0–59'],
    ['0 25 * * *', 'Hour: 25 is not 0–23'],
    ['0 9 32 * *', 'Day of the month: 32 is not 1–31'],
    ['0 9 0 * *', 'Day of the month: 0 is not 1–31'],
    ['0 9 * 13 *', 'Month: 13 is not 1–12'],
    ['0 9 * * 8', 'Weekday: 8 is not 0–7 (Sunday is 0 or 7)'],
    ['60 0 9 * * *', 'Second: 60 is not 0–59'],
    ['*/0 * * * *', 'Minute: a step of 0 never moves on ("*/0")'],
    ['*/x * * * *', 'Minute: the step in "*/x" must be a whole number'],
    ['0 17-9 * * *', 'Hour: 17-9 goes backwards: write the smaller first (9-17)'],
    ['a 9 * * *', 'Minute: "a" is not a number (0–59)'],
    ['0 9 * * MOX', 'Weekday: "MOX" is not a number or a name (0–7)'],
    ['1,,2 * * * *', 'Minute: an entry is empty (two commas in a row, or one at the end)'],
    ['@sometimes', '@sometimes is not a shortcut Baton knows: @yearly, @monthly, @weekly, @daily or @hourly'],
  ])('%s → %s', (expr, error) => {
    expect(cronFieldError(expr)).toBe(error);
  });

  it('says how many fields a cron expression has', () => {
    expect(cronFieldError('every day')).toMatch(
      /^"every day" has 2 fields; a cron expression has 5 \(minute hour day month weekday\)/,
    );
    expect(cronFieldError('* * * *')).toMatch(/has 4 fields/);
  });

  it.each([
    '0 9 * * 1-5',
    '0 9 * * MON-FRI',
    '*/15 * * * *',
    '0 9 L * *',
    '0 9 * * 5#2',
    '0 9 ? * *',
    '@daily',
    '0 0 9 * * *',
    '0 9 * JAN,jul *',
  ])('%s is fine', (expr) => {
    expect(cronFieldError(expr)).toBeNull();
  });

  it("puts croner's own messages in the same words", () => {
    expect(cronerMessageInWords('CronPattern: Invalid value for dayOfWeek: 8')).toBe(
      'Invalid value for weekday: 8',
    );
  });
});
