import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { retryPolicySchema, taskSpecSchema } from '../../../src-shared/schemas/plan.ts';
import type { Check } from './plan-edit.ts';
import {
  addTask,
  checkPlan,
  connect,
  disconnect,
  duplicateTask,
  fieldProblem,
  numberOfText,
  numberProblem,
  removeElements,
  removeTask,
  renameInCondition,
  renameTask,
  updateTask,
} from './plan-edit.ts';

const plan: PlanInput = {
  plan_id: 'p',
  budget: 5,
  tasks: [
    { task_id: 'a', description: 'first', required_skills: ['x'], estimated_cost: 3 },
    { task_id: 'b', description: 'second', required_skills: ['x'], depends_on: ['a'], estimated_cost: 3 },
  ],
};
const agent = (id: string, skills: string[], status: Agent['status'] = 'ONLINE') =>
  ({ id, kind: 'echo', skills, status, max_concurrency: 1, cost_per_task: 0, tags: [] }) as Agent;

describe('plan edits', () => {
  it('refuses a connection that would make a cycle, naming it', () => {
    const r = connect(plan, 'b', 'a');
    expect(r).toEqual({ ok: false, reason: 'that would make a cycle: a → b → a' });
    const c = addTask(plan, { task_id: 'c' });
    const ok = connect(c.plan, 'b', 'c');
    expect(ok.ok && ok.plan.tasks.find((t) => t.task_id === 'c')!.depends_on).toEqual(['b']);
    expect(connect(plan, 'a', 'a')).toMatchObject({ ok: false });
  });

  it('removes a task with its dependencies, renames everywhere, duplicates with a fresh id', () => {
    expect(removeTask(plan, 'a').tasks).toEqual([{ ...plan.tasks[1], depends_on: [] }]);
    const renamed = renameTask(plan, 'a', 'start');
    expect(renamed.ok && renamed.plan.tasks.map((t) => [t.task_id, t.depends_on ?? []])).toEqual([
      ['start', []],
      ['b', ['start']],
    ]);
    const dup = duplicateTask(plan, 'b')!;
    expect(dup.taskId).toBe('b-copy');
    expect(dup.plan.tasks.at(-1)).toMatchObject({ task_id: 'b-copy', depends_on: ['a'] });
    expect(addTask(plan).taskId).toBe('task-003');
  });

  it("keeps conditions naming only a task's dependencies as dependencies change", () => {
    const cond: PlanInput = {
      plan_id: 'p',
      tasks: [
        { task_id: 'a', description: '' },
        { task_id: 'b', description: '' },
        {
          task_id: 'c',
          description: '',
          depends_on: ['a', 'b'],
          condition: {
            dependencies: { a: ['failed'], b: ['done', 'skipped'] },
            output: { task_id: 'a', exists: true },
          },
        },
      ],
    };
    const c = (p: PlanInput) => p.tasks.find((t) => t.task_id === 'c')!;
    // Unlinking a dependency drops it from the condition too.
    expect(c(disconnect(cond, 'a', 'c'))).toEqual({
      task_id: 'c',
      description: '',
      depends_on: ['b'],
      condition: { dependencies: { b: ['done', 'skipped'] } },
    });
    // A condition left empty is none.
    const unlinked = disconnect(disconnect(cond, 'a', 'c'), 'b', 'c');
    expect(c(unlinked)).toEqual({ task_id: 'c', description: '', depends_on: [] });
    expect(c(removeTask(cond, 'b')).condition).toEqual({
      dependencies: { a: ['failed'] },
      output: { task_id: 'a', exists: true },
    });
    const renamed = renameTask(cond, 'a', 'start');
    expect(renamed.ok && c(renamed.plan).condition).toEqual({
      dependencies: { start: ['failed'], b: ['done', 'skipped'] },
      output: { task_id: 'start', exists: true },
    });
    expect(renameInCondition(undefined, 'a', null)).toBeUndefined();
    expect(
      checkPlan(disconnect(cond, 'a', 'c'), [agent('x', [])]).filter((k) => k.severity === 'error'),
    ).toEqual([]);
  });

  it('refuses to rename a task to an id another task has, or to one that is not an id', () => {
    const four: PlanInput = {
      plan_id: 'p',
      tasks: [
        { task_id: 'collect', description: '' },
        { task_id: 'reflect', description: '', depends_on: ['collect'] },
        {
          task_id: 'write',
          description: '',
          depends_on: ['collect', 'reflect'],
          condition: { output: { task_id: 'reflect', exists: true } },
        },
        { task_id: 'send', description: '', depends_on: ['write'] },
      ],
    };
    // Taken: the two tasks would become one (and `write` would wait for `collect` twice).
    expect(renameTask(four, 'reflect', 'collect')).toEqual({
      ok: false,
      reason: 'Task id collect is taken: pick another',
    });
    expect(renameTask(four, 'reflect', 'bad id!')).toEqual({
      ok: false,
      reason: 'Task id may contain only letters, digits and . _ : @ -',
    });
    expect(renameTask(four, 'reflect', '')).toEqual({ ok: false, reason: 'Task id must not be empty' });
    expect(renameTask(four, 'nope', 'other')).toMatchObject({ ok: false });
    // The same id is no change; a free one is renamed everywhere, the condition too.
    expect(renameTask(four, 'reflect', 'reflect')).toEqual({ ok: true, plan: four });
    const r = renameTask(four, 'reflect', 'review');
    expect(r.ok && r.plan.tasks.map((t) => [t.task_id, t.depends_on ?? []])).toEqual([
      ['collect', []],
      ['review', ['collect']],
      ['write', ['collect', 'review']],
      ['send', ['write']],
    ]);
    expect(r.ok && r.plan.tasks[2]!.condition).toEqual({ output: { task_id: 'review', exists: true } });
    // Other fields are updated in place; an id is not among them.
    expect(updateTask(four, 'send', { description: 'mail it' }).tasks[3]).toEqual({
      task_id: 'send',
      description: 'mail it',
      depends_on: ['write'],
    });
  });

  it('removes tasks and links deleted together as one edit', () => {
    const four: PlanInput = {
      plan_id: 'p',
      tasks: [
        { task_id: 'a', description: '' },
        { task_id: 'b', description: '', depends_on: ['a'] },
        {
          task_id: 'c',
          description: '',
          depends_on: ['a', 'b'],
          condition: { dependencies: { b: ['done'] }, output: { task_id: 'a', exists: true } },
        },
        { task_id: 'd', description: '', depends_on: ['c'] },
      ],
    };
    // A task with the arrows out of it (as React Flow reports them), and an arrow of its own.
    const next = removeElements(
      four,
      ['a'],
      [
        { from: 'a', to: 'b' },
        { from: 'a', to: 'c' },
        { from: 'c', to: 'd' },
      ],
    );
    expect(next.tasks).toEqual([
      { task_id: 'b', description: '', depends_on: [] },
      { task_id: 'c', description: '', depends_on: ['b'], condition: { dependencies: { b: ['done'] } } },
      { task_id: 'd', description: '', depends_on: [] },
    ]);
    expect(removeElements(four, [], [{ from: 'b', to: 'c' }]).tasks[2]).toEqual({
      task_id: 'c',
      description: '',
      depends_on: ['a'],
      condition: { output: { task_id: 'a', exists: true } },
    });
    expect(removeElements(four, ['a', 'd']).tasks.map((t) => t.task_id)).toEqual(['b', 'c']);
  });

  it('flags what will go wrong before a run', () => {
    const checks = checkPlan(
      {
        ...plan,
        tasks: [
          ...plan.tasks,
          { task_id: 'c', description: 'x', required_skills: ['y', 'z'] },
          { task_id: 'd', description: '', deadline: 'soon' },
        ],
      },
      [agent('w', ['x', 'y']), agent('off', ['q'], 'OFFLINE')],
    );
    expect(checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ task_id: 'c', message: 'no agent has all of: y, z (closest lacks z)' }),
        expect.objectContaining({ task_id: 'd', path: 'tasks[3].deadline', severity: 'error' }),
        expect.objectContaining({
          path: 'budget',
          message: 'estimated cost 6 is over the budget of 5: some tasks will wait for approval',
        }),
      ]),
    );
    // A task asking no skill: any agent could take it, said as a warning.
    expect(checks).toContainEqual(
      expect.objectContaining({
        task_id: 'd',
        severity: 'warning',
        message: 'no required skill: any agent could take it; give it the skill it needs',
      }),
    );
    expect(checkPlan(plan, [agent('w', ['x'], 'AWAY')]).map((c) => c.message)).toContain(
      'every agent that could take it is away: w (AWAY)',
    ); // A decider whose agent is not a registered llm agent: the run will not start.
    expect(
      checkPlan({ ...plan, decider: { kind: 'llm', agent_id: 'ghost' } }, [agent('w', ['x'])]),
    ).toContainEqual(
      expect.objectContaining({
        path: 'decider.agent_id',
        severity: 'error',
        message: 'the decider\'s agent "ghost" is not a registered llm agent: the run will not start',
      }),
    );
  });

  it('gathers what the checks say about a field and what is inside it, not a field that starts alike', () => {
    const check = (path: string, message: string): Check => ({
      severity: 'error',
      task_id: 'a',
      path,
      message,
    });
    const checks = [
      check('tasks[0].depends_on[1]', 'unknown dependency'),
      check('tasks[0].depends_on', 'too many'),
      check('tasks[0].retry.max_attempts', 'must be positive'),
      check('tasks[0].depends_on_x', 'other field'),
    ];
    expect(fieldProblem(checks, 'tasks[0].depends_on')).toBe('unknown dependency; too many');
    expect(fieldProblem(checks, 'tasks[0].retry')).toBe('must be positive');
    expect(fieldProblem(checks, 'tasks[0].deadline')).toBeNull();
  });

  it('names the field in what the checks say, in plain words', () => {
    const checks = checkPlan(
      {
        plan_id: 'p',
        tasks: [{ task_id: 'a', description: '', estimated_cost: -3, timeout_s: Number.NaN }],
      },
      [agent('x', [])],
    );
    expect(fieldProblem(checks, 'tasks[0].estimated_cost', 'Estimated cost')).toBe(
      'Estimated cost must be a number of 0 or more',
    );
    expect(fieldProblem(checks, 'tasks[0].timeout_s', 'Timeout (s)')).toBe(
      'Timeout (s) must be a number of seconds, more than 0',
    );
    expect(checks.map((c) => c.message).join(' ')).not.toMatch(/Too small|Invalid input|received/);
  });

  it('checks a number field as typed', () => {
    expect(numberOfText(' 30 ')).toBe(30);
    expect(numberOfText('')).toBeUndefined();
    expect(numberOfText('abc')).toBeNaN();
    const timeout = taskSpecSchema.shape.timeout_s;
    expect(numberProblem('Timeout (s)', 'abc', timeout)).toBe(
      'Timeout (s) must be a number of seconds, more than 0',
    );
    expect(numberProblem('Timeout (s)', '0', timeout)).toBe(
      'Timeout (s) must be a number of seconds, more than 0',
    );
    expect(numberProblem('Timeout (s)', '', timeout)).toBeNull();
    expect(numberProblem('Timeout (s)', '300', timeout)).toBeNull();
    expect(numberProblem('Attempts', '2.5', retryPolicySchema.shape.max_attempts)).toBe(
      'Attempts must be a whole number from 1 to 20',
    );
    expect(numberProblem('Estimated cost', '-3', taskSpecSchema.shape.estimated_cost)).toBe(
      'Estimated cost must be a number of 0 or more',
    );
  });
});
