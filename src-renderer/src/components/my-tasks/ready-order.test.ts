import { describe, expect, it } from 'vitest';
import type { PulledTask } from '../../../../src-shared/contract/domains/work.ts';
import { orderReady } from './ready-order.ts';

const task = (task_id: string, ready_since: string | null, deadline: string | null = null): PulledTask => ({
  run_id: 'r',
  plan_id: 'p',
  task_id,
  description: '',
  required_skills: [],
  priority: 'MEDIUM',
  deadline,
  tags: [],
  score: 0,
  ready_since,
});

// In the host's order (best match first): not the order a person reads a queue in.
const tasks = [
  task('new', '2026-11-22T10:30:00Z'),
  task('old', '2026-11-22T09:00:00Z', '2026-11-25T00:00:00Z'),
  task('unknown', null),
  task('mid', '2026-11-22T10:00:00Z', '2026-11-23T00:00:00Z'),
];

describe('the order of the tasks to take', () => {
  it('puts the longest waiting first, a task with no known start last', () => {
    expect(orderReady(tasks, 'waiting').map((t) => t.task_id)).toEqual(['old', 'mid', 'new', 'unknown']);
  });

  it('puts the soonest due first, then those without a deadline, longest waiting first', () => {
    expect(orderReady(tasks, 'due').map((t) => t.task_id)).toEqual(['mid', 'old', 'new', 'unknown']);
  });

  it('leaves the given list as it was', () => {
    orderReady(tasks, 'due');
    expect(tasks.map((t) => t.task_id)).toEqual(['new', 'old', 'unknown', 'mid']);
  });
});
