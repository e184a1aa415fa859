import { describe, expect, it } from 'vitest';
import { formatPath } from '../contract/errors.ts';
import { MAX_JSON_DEPTH } from './common.ts';
import { findCycle, parsePlan, planSchema } from './plan.ts';

const issues = (plan: unknown) => {
  const r = planSchema.safeParse(plan);
  return r.success ? [] : r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
};

/** What `parsePlan` reports, one `path: message` line per problem. */
const problems = (plan: unknown) => {
  const r = parsePlan(plan);
  return r.ok ? [] : r.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
};

const task = (task_id: string, extra: Record<string, unknown> = {}) => ({
  task_id,
  description: '',
  ...extra,
});

describe('plan schema', () => {
  it("accepts the build endpoint's plan unchanged and fills defaults", () => {
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

  it('reports a cycle alongside unknown and self dependencies elsewhere', () => {
    const ring = [task('a', { depends_on: ['b'] }), task('b', { depends_on: ['a'] })];
    expect(issues({ plan_id: 'p', tasks: [...ring, task('c', { depends_on: ['zzz'] })] })).toEqual([
      'tasks[2].depends_on[0]: unknown dependency "zzz"',
      'tasks[0].depends_on: dependency cycle: a → b → a',
    ]);
    expect(issues({ plan_id: 'p', tasks: [task('c', { depends_on: ['c'] }), ...ring] })).toEqual([
      'tasks[0].depends_on[0]: task "c" depends on itself',
      'tasks[1].depends_on: dependency cycle: a → b → a',
    ]);
    // Both kinds on the tasks of the cycle itself.
    const tangled = [task('a', { depends_on: ['a', 'b'] }), task('b', { depends_on: ['ghost', 'a'] })];
    expect(issues({ plan_id: 'p', tasks: tangled })).toEqual([
      'tasks[0].depends_on[0]: task "a" depends on itself',
      'tasks[1].depends_on[0]: unknown dependency "ghost"',
      'tasks[0].depends_on: dependency cycle: a → b → a',
    ]);
  });

  it('reports a repeated skill at its path', () => {
    expect(issues({ plan_id: 'p', tasks: [task('a', { required_skills: ['x', 'y', 'x', 'x'] })] })).toEqual([
      'tasks[0].required_skills[2]: duplicate skill "x" (first listed at required_skills[0])',
      'tasks[0].required_skills[3]: duplicate skill "x" (first listed at required_skills[0])',
    ]);
    // Skills match exactly, so differently cased skills are different skills.
    expect(issues({ plan_id: 'p', tasks: [task('a', { required_skills: ['x', 'X'] })] })).toEqual([]);
    // A malformed entry does not hide the repeat.
    expect(issues({ plan_id: 'p', tasks: [task('a', { required_skills: ['x', 5, 'x'] })] })).toEqual([
      'tasks[0].required_skills[1]: Invalid input: expected string, received number',
      'tasks[0].required_skills[2]: duplicate skill "x" (first listed at required_skills[0])',
    ]);
  });

  it('limits inputs by their size in UTF-8 bytes, not characters', () => {
    const limit = 256 * 1024;
    const sized = (big: string) => issues({ plan_id: 'p', tasks: [task('a', { inputs: { big } })] });
    const tooBig = ['tasks[0].inputs: must be at most 262144 bytes as JSON'];
    const overhead = JSON.stringify({ big: '' }).length;
    expect(sized('€'.repeat(100_000))).toEqual(tooBig); // 100000 characters, 300000 bytes
    // Exactly at the limit, and one byte over, with 2-byte characters.
    const twoByte = 'é'.repeat((limit - overhead) / 2 - 1);
    expect(new TextEncoder().encode(JSON.stringify({ big: `${twoByte}éa` })).length).toBe(limit + 1);
    expect(sized(`${twoByte}é`)).toEqual([]);
    expect(sized(`${twoByte}éa`)).toEqual(tooBig);
    // A surrogate pair is 4 bytes, not two 3-byte halves.
    const emoji = '😀'.repeat(Math.floor((limit - overhead) / 4));
    expect(new TextEncoder().encode(JSON.stringify({ big: emoji })).length).toBeLessThanOrEqual(limit);
    expect(sized(emoji)).toEqual([]);
    expect(sized(`${emoji}😀`)).toEqual(tooBig);
    expect(sized('a'.repeat(limit))).toEqual(tooBig);
  });

  it('names inputs JSON cannot hold (IPC can carry a BigInt or a cycle) instead of failing', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const inputs of [{ n: 10n }, cycle]) {
      const found = issues({ plan_id: 'p', tasks: [task('a', { inputs })] });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^tasks\[0\]\.inputs: must be JSON \(/);
    }
  });

  it('refuses a free-form value nested deeper than the store reads, naming its field', () => {
    const deep = (levels: number) => {
      let v: unknown = 1;
      for (let i = 0; i < levels; i++) v = { a: v };
      return v;
    };
    const at = (levels: number) =>
      issues({
        plan_id: 'p',
        run_inputs: { n: { type: 'object', default: deep(levels) } },
        tasks: [
          task('a', { inputs: { k: deep(levels - 1) }, output_schema: { k: deep(levels - 1) } }),
          task('b', { depends_on: ['a'], condition: { output: { task_id: 'a', equals: deep(levels) } } }),
        ],
      });
    expect(at(MAX_JSON_DEPTH)).toEqual([]);
    const message = `must not nest more than ${MAX_JSON_DEPTH} levels deep`;
    const paths = [
      'run_inputs.n.default',
      'tasks[0].inputs',
      'tasks[0].output_schema',
      'tasks[1].condition.output.equals',
    ];
    for (const levels of [MAX_JSON_DEPTH + 1, 1_000, 100_000])
      expect(at(levels).sort()).toEqual(paths.map((p) => `${p}: ${message}`).sort());
  });

  it('reports every problem of a plan at once, each with its path', () => {
    const r = parsePlan({
      plan_id: 'p',
      tasks: [
        { task_id: 5, description: 'a malformed id' },
        task('a', { depends_on: ['b'], priority: 'URGENT', deadline: 'next tuesday' }),
        task('b', { depends_on: ['a', 'ghost'], required_skills: ['x', 'x'] }),
        task('c', { depends_on: ['c'], inputs: { big: '€'.repeat(100_000) } }),
        task('d', { depends_on: [7, 'a'], condition: { dependencies: { b: ['done'] } } }),
        task('a', { description: 'x'.repeat(20_001) }),
      ],
    });
    expect(r.ok).toBe(false);
    const lines = r.ok ? [] : r.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    expect([...lines].sort()).toEqual(
      [
        'tasks[0].task_id: Invalid input: expected string, received number',
        'tasks[1].priority: Invalid option: expected one of "CRITICAL"|"HIGH"|"MEDIUM"|"LOW"',
        'tasks[1].deadline: must be an ISO 8601 date-time, e.g. 2026-12-01T17:00:00Z',
        'tasks[2].required_skills[1]: duplicate skill "x" (first listed at required_skills[0])',
        'tasks[3].inputs: must be at most 262144 bytes as JSON',
        'tasks[4].depends_on[0]: Invalid input: expected string, received number',
        'tasks[5].description: must be at most 20000 characters',
        'tasks[5].task_id: duplicate task id "a" (first used at tasks[1])',
        'tasks[2].depends_on[1]: unknown dependency "ghost"',
        'tasks[3].depends_on[0]: task "c" depends on itself',
        'tasks[4].condition.dependencies.b: "b" is not in depends_on',
        'tasks[1].depends_on: dependency cycle: a → b → a',
      ].sort(),
    );
  });

  it("still checks the graph when a task cannot be read, keeping the other tasks' paths", () => {
    expect(
      problems({
        plan_id: 'p',
        tasks: [
          'not a task',
          { task_id: 5, description: '', depends_on: ['a'] },
          task('a', { depends_on: [null, 'ghost'] }),
          task('b', { depends_on: ['a'], condition: { output: { task_id: 'c', exists: true } } }),
          task('c', { priority: 'URGENT', condition: { output: { path: 1, matches: '(' } } }),
        ],
      }),
    ).toEqual([
      'tasks[0]: Invalid input: expected object, received string',
      'tasks[1].task_id: Invalid input: expected string, received number',
      'tasks[2].depends_on[0]: Invalid input: expected string, received null',
      'tasks[4].priority: Invalid option: expected one of "CRITICAL"|"HIGH"|"MEDIUM"|"LOW"',
      'tasks[4].condition.output.task_id: Invalid input: expected string, received undefined',
      'tasks[4].condition.output.path: Invalid input: expected string, received number',
      'tasks[2].depends_on[1]: unknown dependency "ghost"',
      'tasks[3].condition.output.task_id: "c" is not in depends_on',
      'tasks[4].condition.output.matches: is not a valid regular expression',
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
