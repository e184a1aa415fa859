import { describe, expect, it } from 'vitest';
import { attemptText, attemptTookText, nextAttemptText } from './task-attempts.ts';

const retry = {
  retry: { max_attempts: 4, backoff: { initial_ms: 1000, max_ms: 60_000, factor: 2, jitter: 0 } },
};
const time = (ms: number) => `@${ms}`;

describe('attempts in the task details', () => {
  it('says which attempt of how many when the task may be retried', () => {
    expect(attemptText({ attempt: 3 }, retry)).toBe('3 of 4');
    expect(attemptText({ attempt: 1 }, {})).toBe('1');
    expect(attemptText({ attempt: 2 }, undefined)).toBe('2');
    expect(attemptText({ attempt: 0 }, retry)).toBe('none yet'); // cancelled before it ran
  });

  it('says how long an attempt took; an interrupted one at least until its last sign of life', () => {
    const started_at = '2026-01-01T10:00:00.000Z';
    const later = '2026-01-01T10:00:12.000Z';
    expect(attemptTookText({ started_at, finished_at: later, outcome: 'done' })).toBe('12.0 s');
    expect(attemptTookText({ started_at, finished_at: later, outcome: 'interrupted' })).toBe(
      'at least 12.0 s',
    );
    // Nothing came after its start: how long it ran is not known (not "0 ms").
    expect(attemptTookText({ started_at, finished_at: started_at, outcome: 'interrupted' })).toBe('unknown');
    expect(attemptTookText({ started_at, finished_at: null, outcome: 'running' })).toBe('—');
  });

  it('says when the next attempt starts while a retry waits', () => {
    const waiting = { attempt: 2, status: 'ready' as const, retry_at: 10_000 };
    expect(nextAttemptText(waiting, retry, 1_800, time)).toBe('3 of 4 at @10000, in 8.2 s');
    expect(nextAttemptText(waiting, retry, 12_000, time)).toBe('3 of 4 at @10000, starting now');
    expect(nextAttemptText({ ...waiting, retry_at: null }, retry, 0, time)).toBeNull();
    expect(nextAttemptText({ ...waiting, status: 'in_progress' }, retry, 0, time)).toBeNull();
  });
});
