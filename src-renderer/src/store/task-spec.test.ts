import { describe, expect, it } from 'vitest';
import type { StoredPlan, TaskSpec } from '../../../src-shared/schemas/plan.ts';
import { taskSpecOf } from './task-spec.ts';
import { versionKey } from './versions.ts';

const spec = (task_id: string, max_attempts?: number): TaskSpec => ({
  task_id,
  description: task_id,
  required_skills: [],
  depends_on: [],
  priority: 'MEDIUM',
  requires_approval: false,
  estimated_cost: 0,
  ...(max_attempts
    ? { retry: { max_attempts, backoff: { initial_ms: 0, max_ms: 0, factor: 1, jitter: 0 } } }
    : {}),
});
const stored = (version: number, tasks: TaskSpec[]) =>
  ({
    plan_id: 'p',
    version,
    created_at: '2026-01-01T00:00:00.000Z',
    plan: { plan_id: 'p', tasks },
  }) as unknown as StoredPlan;

describe('taskSpecOf', () => {
  const run = { id: 'r1', plan_id: 'p', plan_version: 1 };

  it('reads the task from the plan version the run ran, or from the tasks a decider added', () => {
    const current = stored(1, [spec('tests', 4)]);
    const s = { planDetails: { p: current }, versionBodies: {}, addedTasks: { r1: [spec('escalation-1')] } };
    expect(taskSpecOf(s, run, 'tests')?.retry?.max_attempts).toBe(4);
    expect(taskSpecOf(s, run, 'escalation-1')?.task_id).toBe('escalation-1');
    expect(taskSpecOf(s, run, 'nope')).toBeUndefined();
  });

  it('uses an earlier version only once it is loaded, not the current one', () => {
    const current = stored(2, [spec('tests', 9)]);
    const s = { planDetails: { p: current }, versionBodies: {}, addedTasks: {} };
    expect(taskSpecOf(s, run, 'tests')).toBeUndefined();
    const loaded = {
      ...s,
      versionBodies: { [versionKey(current, 1)]: { plan: stored(1, [spec('tests', 3)]) } },
    };
    expect(taskSpecOf(loaded, run, 'tests')?.retry?.max_attempts).toBe(3);
  });
});
