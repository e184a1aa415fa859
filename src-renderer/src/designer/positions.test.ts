import { describe, expect, it } from 'vitest';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { addTask, removeTask, renameTask, updateTask } from './plan-edit.ts';
import { positionsAfter, renamedTask } from './positions.ts';

const plan: PlanInput = {
  plan_id: 'p',
  tasks: [
    { task_id: 'a', description: 'first' },
    { task_id: 'b', description: 'second', depends_on: ['a'] },
  ],
};
const renamed = (from: string, to: string) => {
  const r = renameTask(plan, from, to);
  if (!r.ok) throw new Error(r.reason);
  return r.plan;
};

describe('dragged positions', () => {
  it('finds a rename, and only a rename, between two drafts', () => {
    expect(renamedTask(plan, renamed('b', 'c'))).toEqual({ from: 'b', to: 'c' });
    // Its dependants are renamed with it: still the one task renamed.
    expect(renamedTask(plan, renamed('a', 'start'))).toEqual({ from: 'a', to: 'start' });
    expect(renamedTask(plan, updateTask(plan, 'a', { description: 'other' }))).toBeNull();
    expect(renamedTask(plan, addTask(plan).plan)).toBeNull();
    expect(renamedTask(plan, removeTask(plan, 'a'))).toBeNull();
    expect(renamedTask(plan, { ...plan, plan_id: 'q' })).toBeNull();
  });

  it('follow a renamed task, and back on undo', () => {
    const dragged = { a: { x: 10, y: 20 }, b: { x: 300, y: 40 } };
    const after = renamed('b', 'c');
    const moved = positionsAfter(dragged, plan, after);
    expect(moved).toEqual({ a: { x: 10, y: 20 }, c: { x: 300, y: 40 } });
    expect(positionsAfter(moved, after, plan)).toEqual(dragged);
    // Other edits leave them as they are (a deleted task's position is kept for its undo).
    expect(positionsAfter(dragged, plan, removeTask(plan, 'b'))).toBe(dragged);
    expect(positionsAfter(dragged, plan, updateTask(plan, 'b', { priority: 'HIGH' }))).toBe(dragged);
  });

  it('do not give a renamed task that was never dragged the position of a deleted task of that id', () => {
    const positions = { c: { x: 1, y: 2 } };
    expect(positionsAfter(positions, plan, renamed('b', 'c'))).toEqual({});
    expect(positionsAfter({}, plan, renamed('b', 'c'))).toEqual({});
  });
});
