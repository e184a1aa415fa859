import { describe, expect, it } from 'vitest';
import type { PlanInput } from './plan.ts';
import { planSchema } from './plan.ts';
import { countDiff, diffPlans, isEmptyDiff } from './plan-diff.ts';

const plan = (p: Partial<PlanInput> & Pick<PlanInput, 'tasks'>) => planSchema.parse({ plan_id: 'p', ...p });

const base = plan({
  name: 'Release',
  tasks: [
    { task_id: 'a', description: 'write', required_skills: ['write', 'edit'] },
    { task_id: 'b', description: 'review', required_skills: ['review'], depends_on: ['a'] },
    { task_id: 'c', description: 'ship', depends_on: ['a', 'b'], requires_approval: true },
  ],
});

describe('diffPlans', () => {
  it('finds nothing between a plan and itself, or a copy with keys and sets reordered', () => {
    expect(isEmptyDiff(diffPlans(base, base))).toBe(true);
    const reordered = plan({
      name: 'Release',
      tasks: [
        { required_skills: ['edit', 'write'], description: 'write', task_id: 'a' },
        { task_id: 'b', description: 'review', required_skills: ['review'], depends_on: ['a'] },
        { task_id: 'c', description: 'ship', depends_on: ['b', 'a'], requires_approval: true },
      ],
    });
    expect(diffPlans(base, reordered)).toEqual({ added: [], removed: [], changed: [], plan_fields: [] });
  });

  it('names tasks added and removed, each in its own plan order', () => {
    const next = plan({
      name: 'Release',
      tasks: [
        { task_id: 'z', description: 'plan' },
        { task_id: 'a', description: 'write', required_skills: ['write', 'edit'] },
        { task_id: 'y', description: 'announce', depends_on: ['a'] },
      ],
    });
    const d = diffPlans(base, next);
    expect(d.added).toEqual(['z', 'y']);
    expect(d.removed).toEqual(['b', 'c']);
    expect(d.changed).toEqual([]);
  });

  it('lists which fields of a task changed, including fields set on one side only', () => {
    const next = plan({
      name: 'Release',
      tasks: [
        { task_id: 'a', description: 'write it well', required_skills: ['write', 'edit'], priority: 'HIGH' },
        { task_id: 'b', description: 'review', required_skills: ['review'], depends_on: [] },
        {
          task_id: 'c',
          description: 'ship',
          depends_on: ['a', 'b'],
          requires_approval: true,
          deadline: '2026-12-01T17:00:00Z',
          inputs: { channel: 'stable' },
        },
      ],
    });
    expect(diffPlans(base, next).changed).toEqual([
      { task_id: 'a', fields: ['description', 'priority'] },
      { task_id: 'b', fields: ['depends_on'] },
      { task_id: 'c', fields: ['deadline', 'inputs'] },
    ]);
    // And back: a field that disappears is a change too.
    expect(diffPlans(next, base).changed.find((c) => c.task_id === 'c')?.fields).toEqual([
      'deadline',
      'inputs',
    ]);
  });

  it('compares nested values by content, so a changed retry or condition is noticed', () => {
    const withRetry = plan({
      tasks: [{ task_id: 'a', description: 'x', retry: { max_attempts: 3 } }],
    });
    const moreRetries = plan({
      tasks: [{ task_id: 'a', description: 'x', retry: { max_attempts: 4 } }],
    });
    expect(diffPlans(withRetry, moreRetries).changed).toEqual([{ task_id: 'a', fields: ['retry'] }]);
    expect(diffPlans(withRetry, withRetry).changed).toEqual([]);
  });

  it('names plan-level fields that changed', () => {
    const next = plan({ ...base, name: 'Release 2', budget: 10, goal: 'ship it' });
    const d = diffPlans(base, next);
    expect(d.plan_fields).toEqual(['name', 'budget', 'goal']);
    expect(countDiff(d)).toEqual({ added: 0, removed: 0, changed: 0, plan_fields: 3 });
    expect(isEmptyDiff(countDiff(d))).toBe(false);
  });

  it('names every other plan-level field too: landing, its pull requests, owner, tags, sandbox', () => {
    const next = plan({
      ...base,
      land: 'pull_request',
      pull_request: { labels: ['baton'] },
      owner: 'ana',
      tags: ['web'],
    });
    const fields = ['land', 'owner', 'pull_request', 'tags'];
    expect(diffPlans(base, next).plan_fields.sort()).toEqual(fields);
    // Gone again is a change too; the same value written in another key order is none.
    expect(diffPlans(next, base).plan_fields.sort()).toEqual(fields);
    expect(diffPlans(next, plan({ ...next, pull_request: { labels: ['baton'] } })).plan_fields).toEqual([]);
  });
});
