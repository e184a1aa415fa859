import { describe, expect, it } from 'vitest';
import { deadlineBoost, PRIORITY_WEIGHTS, taskScore } from './priority.ts';

const now = Date.parse('2026-11-21T10:00:00Z');

describe('seed 004 priority', () => {
  it('weights CRITICAL > HIGH > MEDIUM > LOW by 1000/100/10/1', () => {
    expect(PRIORITY_WEIGHTS).toEqual({ CRITICAL: 1000, HIGH: 100, MEDIUM: 10, LOW: 1 });
  });
  it('boosts overdue ×10, due today ×5, within 3 days ×2', () => {
    expect(deadlineBoost('2026-11-21T09:00:00Z', now)).toBe(10);
    expect(deadlineBoost('2026-11-21T23:00:00Z', now)).toBe(5);
    expect(deadlineBoost('2026-11-23T12:00:00Z', now)).toBe(2);
    expect(deadlineBoost('2026-12-30T12:00:00Z', now)).toBe(1);
    expect(deadlineBoost(undefined, now)).toBe(1);
    expect(taskScore({ priority: 'LOW', deadline: '2026-11-20T00:00:00Z' }, now)).toBe(10);
    expect(taskScore({ priority: 'HIGH' }, now)).toBe(100);
  });
});
