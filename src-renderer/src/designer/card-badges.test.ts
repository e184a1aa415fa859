import { describe, expect, it } from 'vitest';
import { cardBadges } from './card-badges.ts';

describe('cardBadges', () => {
  it('shows nothing for a task with its defaults', () => {
    expect(cardBadges({ task_id: 't', description: '' })).toEqual([]);
    expect(
      cardBadges({ task_id: 't', description: '', estimated_cost: 0, retry: { max_attempts: 1 } }),
    ).toEqual([]);
  });

  it('names approval, cost, retries, a pinned agent, a condition and a deadline, in that order', () => {
    const badges = cardBadges({
      task_id: 't',
      description: '',
      deadline: '2026-12-01T17:00:00Z',
      condition: { dependencies: { a: ['failed'] } },
      agent: 'ash',
      retry: { max_attempts: 3 },
      estimated_cost: 2.5,
      requires_approval: true,
    });
    expect(badges.map((b) => b.text)).toEqual([
      'approval',
      'cost 2.5',
      '3 tries',
      'pinned ash',
      'if…',
      'deadline',
    ]);
    expect(badges.find((b) => b.kind === 'condition')?.title).toBe('Runs only when: a failed');
  });

  it('says how a coding task runs and lands: best of N, its checks (the workspace’s by default), lands as PR', () => {
    const t = { task_id: 't', description: '', attempts: 3, requires_approval: true };
    const coding = { coding: true, workspaceChecks: ['test', 'lint'], land: 'pull_request' as const };
    expect(cardBadges(t, coding).map((b) => b.text)).toEqual([
      'approval',
      'best of 3',
      'checks: test, lint',
      'lands as PR',
    ]);
    expect(cardBadges({ ...t, checks: [] }, coding).map((b) => b.text)).toEqual([
      'approval',
      'best of 3',
      'lands as PR',
    ]);
    // A task no coding agent takes says none of it.
    expect(cardBadges(t, { ...coding, coding: false }).map((b) => b.text)).toEqual(['approval']);
  });
});
