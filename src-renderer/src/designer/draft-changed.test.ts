import { describe, expect, it } from 'vitest';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { draftChanged, sameValue } from './draft-changed.ts';
import { updateTask } from './plan-edit.ts';

const plan: PlanInput = {
  plan_id: 'p',
  workspace: 'app',
  tasks: [
    { task_id: 'a', description: 'A', required_skills: ['x'], inputs: { n: 1 } },
    { task_id: 'b', description: 'B', depends_on: ['a'] },
  ],
};

describe('whether the draft changed', () => {
  it('is not changed when a field is changed and changed back, or set to nothing where it was absent', () => {
    const edited = updateTask(plan, 'a', { description: 'Other' });
    expect(draftChanged(plan, edited)).toBe(true);
    expect(draftChanged(plan, updateTask(edited, 'a', { description: 'A' }))).toBe(false);
    expect(draftChanged(plan, updateTask(plan, 'b', { review: undefined, inputs: undefined }))).toBe(false);
    expect(draftChanged(plan, updateTask(plan, 'a', { inputs: { n: 1 } }))).toBe(false);
    expect(draftChanged(plan, updateTask(plan, 'a', { inputs: { n: 2 } }))).toBe(true);
  });

  it('sees the plan’s own fields and the tasks’ number and order', () => {
    expect(draftChanged(plan, { ...plan, workspace: undefined })).toBe(true);
    expect(draftChanged(plan, { ...plan, tasks: [...plan.tasks].reverse() })).toBe(true);
    expect(draftChanged(plan, { ...plan, tasks: plan.tasks.slice(1) })).toBe(true);
    expect(draftChanged(plan, { ...plan })).toBe(false);
  });

  it('compares values as JSON does, whatever the key order', () => {
    expect(sameValue({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(sameValue([1], { 0: 1 })).toBe(false);
    expect(sameValue(Number.NaN, Number.NaN)).toBe(true);
    expect(sameValue(null, {})).toBe(false);
  });
});
