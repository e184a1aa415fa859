import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../../../src-shared/schemas/run.ts';
import { addedMarks } from './compare-added.ts';
import { compareRows } from './compare-rows.ts';
import { byId, task } from './task-run.fixture.ts';

const spec = (task_id: string, more: Partial<TaskSpec> = {}): TaskSpec => ({
  task_id,
  description: 'A person decides how to go on: Task "a" ended unassigned.',
  required_skills: [],
  depends_on: ['a'],
  priority: 'HIGH',
  requires_approval: true,
  estimated_cost: 0,
  ...more,
});
const both = byId(task('a', 'done'), task('escalation-1', 'awaiting_approval'));
const marksFor = (
  left: Record<string, TaskRun> | undefined,
  right: Record<string, TaskRun> | undefined,
  added: { left?: TaskSpec[]; right?: TaskSpec[] },
  order = ['a'],
) => addedMarks(compareRows(order, [left, right]), [added.left, added.right], new Set(order));

describe('addedMarks', () => {
  it('marks two unrelated tasks the deciders added under one id as different, saying what differs', () => {
    const marks = marksFor(both, both, {
      left: [spec('escalation-1')],
      right: [
        spec('escalation-1', {
          description: 'A person decides how to go on: Task "b" ended unassigned.',
          required_skills: ['review'],
          depends_on: ['b'],
        }),
      ],
    });
    const mark = marks.get('escalation-1')!;
    expect(mark).toMatchObject({ added: [true, true], different: true });
    expect(mark.changes).toEqual(['description', 'skills', 'dependencies']);
    expect(mark.specs[1]?.depends_on).toEqual(['b']);
    // The plan's own tasks get no mark.
    expect(marks.has('a')).toBe(false);
  });

  it('takes two added tasks defined alike for the same task, whatever their priority or order', () => {
    const marks = marksFor(both, both, {
      left: [spec('escalation-1', { required_skills: ['x', 'y'], description: 'Check it ' })],
      right: [
        spec('escalation-1', { required_skills: ['y', 'x'], description: 'Check it', priority: 'LOW' }),
      ],
    });
    expect(marks.get('escalation-1')).toMatchObject({
      added: [true, true],
      different: false,
      changes: [],
    });
  });

  it('marks a task one run’s decider added and the other run’s plan has as different', () => {
    // The first run ran a version of the plan that has escalation-1 of its own.
    const marks = marksFor(both, both, { right: [spec('escalation-1')] }, ['a', 'escalation-1']);
    expect(marks.get('escalation-1')).toMatchObject({
      added: [false, true],
      different: true,
      changes: [],
    });
  });

  it('does not call a task different while a run’s added tasks have not caught up with it', () => {
    // A decider just added escalation-1 to the first run: its task is there, its spec not yet.
    const marks = marksFor(both, both, { right: [spec('escalation-1')] });
    expect(marks.get('escalation-1')).toMatchObject({ added: [false, true], different: false });
  });

  it('says which run has the added task when only one has it; nothing for a run not loaded yet', () => {
    const one = byId(task('a', 'done'));
    expect(marksFor(both, one, { left: [spec('escalation-1')] }).get('escalation-1')).toMatchObject({
      added: [true, false],
      different: false,
    });
    expect(marksFor(undefined, both, { left: [spec('escalation-1')] }).size).toBe(0);
    expect(marksFor(both, both, {}).size).toBe(0);
  });

  it('tells the added tasks of three runs apart, the plan’s own in one of them', () => {
    const rows = compareRows(['a', 'escalation-1'], [both, both, both]);
    const marks = addedMarks(
      rows,
      [[spec('escalation-1')], undefined, [spec('escalation-1')]],
      new Set(['a', 'escalation-1']),
    );
    expect(marks.get('escalation-1')).toMatchObject({
      added: [true, false, true],
      different: true,
      changes: [],
    });
  });
});
