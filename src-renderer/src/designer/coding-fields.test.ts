import { describe, expect, it } from 'vitest';
import {
  candidateCycle,
  codingSummary,
  toggledCandidates,
  toggledChecks,
  withAttempts,
} from './coding-fields.ts';

const task = { task_id: 't', description: '' };

describe('a coding task’s checks in the designer', () => {
  const all = ['test', 'lint', 'types'];
  it('leaves the field out while every check is chosen, lists the chosen ones otherwise, [] for none', () => {
    expect(toggledChecks(undefined, all, 'lint', false)).toEqual(['test', 'types']);
    expect(toggledChecks(['test', 'types'], all, 'lint', true)).toBeUndefined();
    expect(toggledChecks(['test'], all, 'test', false)).toEqual([]);
    expect(toggledChecks([], all, 'types', true)).toEqual(['types']);
  });
  it('keeps a check the workspace lacks', () => {
    expect(toggledChecks(['test', 'gone'], all, 'lint', true)).toEqual(['test', 'lint', 'gone']);
  });
});

describe('best of N in the designer', () => {
  it('drops candidates and judge when set back to one attempt', () => {
    expect(withAttempts(1)).toEqual({
      attempts: 1,
      candidates: undefined,
      judge: undefined,
    });
    expect(withAttempts(3)).toEqual({ attempts: 3 });
  });
  it('orders the candidates as agents are listed; none chosen is the field left out', () => {
    expect(toggledCandidates(undefined, ['a', 'b', 'c'], 'c', true)).toEqual(['c']);
    expect(toggledCandidates(['c'], ['a', 'b', 'c'], 'a', true)).toEqual(['a', 'c']);
    expect(toggledCandidates(['c'], ['a', 'b', 'c'], 'c', false)).toBeUndefined();
  });
  it('says which agent each candidate gets', () => {
    expect(candidateCycle(3, ['claude', 'codex'])).toBe('#1 claude, #2 codex, #3 claude');
    expect(candidateCycle(2, undefined)).toBe(
      'All 2 run the agent the task is given (by its skills, or the one pinned); choose agents to mix them',
    );
  });
  it('sums the section up: where, best of N, its checks', () => {
    expect(codingSummary({ ...task, attempts: 3, checks: ['test', 'lint'] }, 'app', true)).toBe(
      "in app (the plan's) · best of 3 · checks test, lint",
    );
    expect(codingSummary({ ...task, workspace: 'web', checks: [] }, undefined, true)).toBe(
      'in web · no checks',
    );
    expect(codingSummary(task, undefined, true)).toBe('needs a workspace');
  });
});
