import { describe, expect, it } from 'vitest';
import { formatPath } from '../contract/errors.ts';
import { findCycle, planSchema } from './plan.ts';

const issues = (plan: unknown) => {
  const r = planSchema.safeParse(plan);
  return r.success ? [] : r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
};

describe('plan schema', () => {
  it('accepts the seed 000 request unchanged and fills defaults', () => {
    const plan = planSchema.parse({
      plan_id: 'plan-87234',
      tasks: [{ task_id: 'task-001', description: 'Summarize', required_skills: ['summarization'] }],
      project_id: 'project-123',
    });
    expect(plan.tasks[0]).toEqual({
      task_id: 'task-001',
      description: 'Summarize',
      required_skills: ['summarization'],
      depends_on: [],
      priority: 'MEDIUM',
      requires_approval: false,
      estimated_cost: 0,
    });
  });

  it('reports every problem with its path', () => {
    expect(
      issues({
        plan_id: 'p',
        tasks: [
          { task_id: 'a', description: 'x', depends_on: ['ghost'], priority: 'URGENT' },
          { task_id: 'a', description: 'y', colour: 'red' },
        ],
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tasks\[0\]\.priority: /),
        expect.stringMatching(/^tasks\[1\]: .*colour/),
      ]),
    );
    expect(
      issues({
        plan_id: 'p',
        tasks: [
          { task_id: 'a', description: '' },
          { task_id: 'a', description: '' },
        ],
      }),
    ).toEqual(['tasks[1].task_id: duplicate task id "a" (first used at tasks[0])']);
    expect(
      issues({ plan_id: 'p', tasks: [{ task_id: 'a', description: '', depends_on: ['ghost'] }] }),
    ).toEqual(['tasks[0].depends_on[0]: unknown dependency "ghost"']);
    expect(issues({ plan_id: 'p', tasks: [] })).toEqual(['tasks: a plan needs at least one task']);
    expect(issues({ plan_id: 'has space', tasks: [{ task_id: 'a', description: '' }] })[0]).toMatch(
      /^plan_id: /,
    );
  });

  it('names a cycle in the direction work flows', () => {
    const plan = {
      plan_id: 'p',
      tasks: [
        { task_id: 'a', description: '', depends_on: ['c'] },
        { task_id: 'b', description: '', depends_on: ['a'] },
        { task_id: 'c', description: '', depends_on: ['b'] },
        { task_id: 'd', description: '' },
      ],
    };
    expect(issues(plan)).toEqual(['tasks[0].depends_on: dependency cycle: a → b → c → a']);
    expect(issues({ plan_id: 'p', tasks: [{ task_id: 'a', description: '', depends_on: ['a'] }] })).toEqual([
      'tasks[0].depends_on[0]: task "a" depends on itself',
    ]);
  });

  it('finds no cycle in a deep chain without overflowing the stack', () => {
    const tasks = Array.from({ length: 50_000 }, (_, i) => ({
      task_id: `t${i}`,
      depends_on: i ? [`t${i - 1}`] : [],
    }));
    expect(findCycle(tasks)).toBeNull();
    tasks[0]!.depends_on = ['t49999'];
    expect(findCycle(tasks)?.length).toBe(50_001);
  });
});
