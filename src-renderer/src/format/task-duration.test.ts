import { describe, expect, it } from 'vitest';
import { durationIsLive, taskDuration } from './task-duration.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe('taskDuration', () => {
  it('says start to end for an ended task, start to now for a running one', () => {
    expect(taskDuration({ started_at: at(0), finished_at: at(3), reason: null }, 0)).toBe('3.0 s');
    const running = { started_at: at(0), finished_at: null, reason: null };
    expect(taskDuration(running, Date.parse(at(75)))).toBe('1 min 15 s');
    expect(durationIsLive(running)).toBe(true);
  });
  it('says — before a task started and "reused" for one copied from an earlier run', () => {
    expect(taskDuration({ started_at: null, finished_at: null, reason: null }, 0)).toBe('—');
    expect(taskDuration(undefined, 0)).toBe('—');
    expect(taskDuration({ started_at: at(0), finished_at: at(1), reason: 'reused from run run-1' }, 0)).toBe(
      'reused',
    );
  });
});
