import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath } from '../contract/errors.ts';
import { parsePlan, planSchema } from './plan.ts';

const valid = {
  plan_id: 'p',
  tasks: [
    { task_id: 'a', description: 'first', required_skills: ['x'] },
    { task_id: 'b', description: 'second', depends_on: ['a'], priority: 'HIGH', retry: { max_attempts: 2 } },
  ],
};

/** Replaces the value at a random path of the valid plan with arbitrary JSON. */
const mutated = fc
  .tuple(
    fc.constantFrom<(string | number)[]>(
      ['plan_id'],
      ['tasks'],
      ['tasks', 0],
      ['tasks', 0, 'task_id'],
      ['tasks', 0, 'required_skills'],
      ['tasks', 1, 'depends_on'],
      ['tasks', 1, 'depends_on', 0],
      ['tasks', 1, 'priority'],
      ['tasks', 1, 'retry'],
      ['tasks', 1, 'deadline'],
      ['tasks', 1, 'condition'],
      ['tasks', 1, 'inputs'],
      ['budget'],
    ),
    fc.jsonValue(),
  )
  .map(([path, value]) => {
    const plan = structuredClone(valid) as Record<string, unknown>;
    let cur: Record<string | number, unknown> = plan;
    for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
    cur[path.at(-1)!] = value;
    return plan;
  });

describe('plan validation (fuzz)', () => {
  it('never throws on arbitrary JSON, and every issue names a path and a message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), mutated), (input) => {
        expect(planSchema.safeParse(input).success).toBe(parsePlan(input).ok);
        const r = parsePlan(input);
        if (!r.ok) {
          expect(r.issues.length).toBeGreaterThan(0);
          for (const i of r.issues) {
            expect(typeof formatPath(i.path)).toBe('string');
            expect(i.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('reports a cycle even when a field elsewhere has the wrong type', () => {
    const r = parsePlan({
      plan_id: 'p',
      tasks: [
        { task_id: 'a', description: 7, depends_on: ['b'] },
        { task_id: 'b', description: '', depends_on: ['a'] },
      ],
    });
    expect(r.ok ? [] : r.issues.map((i) => i.message)).toEqual(
      expect.arrayContaining([
        'dependency cycle: a → b → a',
        'Invalid input: expected string, received number',
      ]),
    );
  });

  it('reports duplicate ids, unknown dependencies and cycles together with field errors', () => {
    const r = parsePlan({
      plan_id: 'p',
      tasks: [
        { task_id: 'a', description: '', depends_on: ['b'], deadline: 'next tuesday' },
        { task_id: 'b', description: '', depends_on: ['a', 'ghost'] },
        { task_id: 'a', description: '', priority: 'SOON' },
      ],
    });
    expect(r.ok).toBe(false);
    const lines = (r.ok ? [] : r.issues).map((i) => `${formatPath(i.path)}: ${i.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tasks\[0\]\.deadline: must be an ISO 8601 date-time/),
        expect.stringMatching(/^tasks\[2\]\.priority: /),
        'tasks[2].task_id: duplicate task id "a" (first used at tasks[0])',
        'tasks[1].depends_on[1]: unknown dependency "ghost"',
        'tasks[0].depends_on: dependency cycle: a → b → a',
      ]),
    );
    expect(lines).toHaveLength(5);
  });

  it('finds a cycle among known dependencies whatever else is wrong with the graph', () => {
    // Random graphs over a few ids, with unknown and self dependencies mixed in.
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const graph = fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1 }).chain((taskIds) =>
      fc.tuple(
        ...taskIds.map((id) =>
          fc.record({
            task_id: fc.constant(id),
            description: fc.constant(''),
            depends_on: fc.uniqueArray(fc.constantFrom(...ids, 'ghost')),
          }),
        ),
      ),
    );
    fc.assert(
      fc.property(graph, (tasks) => {
        const r = parsePlan({ plan_id: 'p', tasks });
        const cycles = r.ok ? [] : r.issues.filter((i) => i.message.startsWith('dependency cycle: '));
        expect(cycles.length).toBe(hasCycle(tasks) ? 1 : 0);
        for (const c of cycles) {
          // Each step of the named cycle is a real dependency: `x → y` means y depends on x.
          const steps = c.message.slice('dependency cycle: '.length).split(' → ');
          expect(steps[0]).toBe(steps.at(-1));
          for (let k = 1; k < steps.length; k++) {
            expect(tasks.find((t) => t.task_id === steps[k])?.depends_on).toContain(steps[k - 1]);
          }
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

/** Reference answer: Kahn's algorithm over the known dependencies, self dependencies left out. */
function hasCycle(tasks: readonly { task_id: string; depends_on: readonly string[] }[]): boolean {
  const ids = new Set(tasks.map((t) => t.task_id));
  const waiting = new Map(
    tasks.map((t) => [t.task_id, new Set(t.depends_on.filter((d) => ids.has(d) && d !== t.task_id))]),
  );
  let progress = true;
  while (progress) {
    progress = false;
    for (const [id, deps] of waiting) {
      if (deps.size > 0) continue;
      waiting.delete(id);
      for (const other of waiting.values()) other.delete(id);
      progress = true;
    }
  }
  return waiting.size > 0;
}
