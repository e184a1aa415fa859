import { describe, expect, it } from 'vitest';
import { describeCron, scheduleInWords, zoneWords } from './cron-words.ts';

describe('describeCron', () => {
  it.each([
    ['* * * * *', 'Every minute'],
    ['*/15 * * * *', 'Every 15 minutes'],
    ['0/5 * * * *', 'Every 5 minutes'],
    ['*/10 9-17 * * 1-5', 'Every 10 minutes from 09:00 to 17:59 on weekdays'],
    ['5 * * * *', 'Every hour at :05'],
    ['0,30 * * * *', 'Every hour at :00 and :30'],
    ['0 */2 * * *', 'Every 2 hours at :00'],
    ['0 9-17 * * 1-5', 'Every hour from 09:00 to 17:00 on weekdays'],
    ['0 0-23 * * *', 'Every hour from 00:00 to 23:00'],
    ['30 9 * * *', 'Every day at 09:30'],
    ['0 9,17 * * *', 'Every day at 09:00 and 17:00'],
    ['0 9 * * 1-5', 'Every weekday at 09:00'],
    ['0 9 * * MON-FRI', 'Every weekday at 09:00'],
    ['0 10 * * 6,0', 'Every Saturday and Sunday at 10:00'],
    ['0 9 * * 1', 'Every Monday at 09:00'],
    ['0 9 * * 7', 'Every Sunday at 09:00'],
    ['0 9 * * 1,3,5', 'Every Monday, Wednesday and Friday at 09:00'],
    ['0 9 * * sun,sat', 'Every Saturday and Sunday at 09:00'],
    ['0 9 * * 2-4', 'Every day from Tuesday to Thursday at 09:00'],
    ['*/30 * * * 1', 'Every 30 minutes on Mondays'],
    ['0 8 1 * *', 'Every month on the 1st at 08:00'],
    ['0 8 1,15 * *', 'Every month on the 1st and 15th at 08:00'],
    ['0 8 22 * *', 'Every month on the 22nd at 08:00'],
    ['0 8 L * *', 'Every month on the last day at 08:00'],
    ['0 0 25 12 *', 'Every year on 25 December at 00:00'],
    ['0 0 1 1,4,7,10 *', 'Every year on the 1st of January, April, July and October at 00:00'],
    ['0 12 * 7 *', 'Every day in July at 12:00'],
    ['@daily', 'Every day at 00:00'],
    ['@hourly', 'Every hour at :00'],
    ['@weekly', 'Every Sunday at 00:00'],
    ['@monthly', 'Every month on the 1st at 00:00'],
    ['0 0 9 * * 1-5', 'Every weekday at 09:00'],
    ['*/20 * * * * *', 'Every 20 seconds'],
    ['  0   9 * *  1-5 ', 'Every weekday at 09:00'],
  ])('%s → %s', (expr, words) => {
    expect(describeCron(expr)).toBe(words);
  });

  it.each([
    '5 4 * 2 3', // a day of the week in one month
    '0 9 1 * 1', // a day of the month or a weekday
    '15 */3 1-7 * *',
    '0 9 * * 5#2',
    '0 9 15W * *',
    '10 9 * * * *',
    'every day',
    '0 0 1 1 * 2030',
  ])('%s cannot be said: null', (expr) => {
    expect(describeCron(expr)).toBeNull();
  });
});

describe('scheduleInWords', () => {
  it('puts the zone after the words, or after the expression it cannot say', () => {
    expect(scheduleInWords('0 9 * * 1-5', 'Europe/Paris')).toBe('Every weekday at 09:00, Paris time');
    expect(scheduleInWords('5 4 * 2 3', 'UTC')).toBe('5 4 * 2 3, UTC');
  });

  it('names a zone by its city', () => {
    expect(zoneWords('America/Argentina/Buenos_Aires')).toBe('Buenos Aires time');
    expect(zoneWords('Etc/UTC')).toBe('UTC');
  });
});
