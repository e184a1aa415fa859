import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taskSpecSchema } from '../../src-shared/schemas/plan.ts';
import { quickTask } from './plan-quick.ts';

// The quick read of a plain task and zod's read of it agree: where the quick one reads a task,
// zod reads it too, to the same value with its keys in the same order; where zod refuses a task,
// the quick one leaves it to zod.

/** Mostly a valid value, sometimes a near miss. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const id = mostly(
  fc.constantFrom('a', 't1', 'build.app', 'x:y@z-1', 'A'.repeat(128)),
  // Empty, too long, a leading dot, a space, a slash, a newline at the end, not text.
  fc.constantFrom('', 'A'.repeat(129), '.a', 'a b', 'a/b', 'a\n', 7, null),
);
const skill = mostly(
  fc.constantFrom('x', 'python', 'web.front-end_2', 'S'.repeat(64)),
  fc.constantFrom('', 'S'.repeat(65), '-x', 'a:b', 3, false),
);
const plainKeys = {
  task_id: id,
  description: mostly(fc.string({ maxLength: 30 }), fc.constantFrom('d'.repeat(20_001), 5)),
  required_skills: mostly(
    fc.array(skill, { maxLength: 4 }),
    fc.constantFrom(
      Array.from({ length: 65 }, (_, i) => `s${i}`),
      'x',
    ),
  ),
  depends_on: mostly(
    fc.array(id, { maxLength: 4 }),
    fc.constantFrom(
      Array.from({ length: 1_001 }, (_, i) => `t${i}`),
      {},
    ),
  ),
  priority: mostly(fc.constantFrom('CRITICAL', 'HIGH', 'MEDIUM', 'LOW'), fc.constantFrom('low', 'URGENT', 1)),
  requires_approval: mostly(fc.boolean(), fc.constantFrom('yes', 0)),
  estimated_cost: mostly(
    fc.constantFrom(0, -0, 1.5, 1e9),
    fc.constantFrom(1e9 + 1, -1, Number.NaN, Number.POSITIVE_INFINITY, '3'),
  ),
  agent: id,
};
/** Fields the quick read leaves to zod, a key no task has, and a known key given as undefined. */
const otherKeys = fc.constantFrom<[string, unknown][]>(
  [['deadline', '2026-12-01T17:00:00Z']],
  [['deadline', 'tomorrow']],
  [['tags', ['backend']]],
  [['timeout_s', 30]],
  [['unknown_key', 1]],
  [['agent', undefined]],
);
const task = fc
  .tuple(
    fc.record(plainKeys, { requiredKeys: ['task_id', 'description'] }),
    fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: otherKeys }),
  )
  .map(([plain, other]) => ({ ...plain, ...Object.fromEntries(other) }) as Record<string, unknown>);

describe('the quick read of a plain task', () => {
  it('agrees with taskSpecSchema, key for key and in its order', () => {
    let read = 0;
    fc.assert(
      fc.property(task, (t) => {
        const quick = quickTask(t);
        const zod = taskSpecSchema.safeParse(t);
        if (quick === null) return;
        read++;
        expect(zod.success).toBe(true);
        expect(JSON.stringify(quick)).toBe(JSON.stringify(zod.data));
        expect(Object.keys(quick)).toEqual(Object.keys(zod.data!));
        expect(quick).toEqual(zod.data);
      }),
      { numRuns: 5_000 },
    );
    // Not a vacuous agreement: a good share of the tasks were read the quick way (~545 of 5,000 on
    // average, 486–578 seen: the generation is random, and the floor stays well below that).
    expect(read).toBeGreaterThan(400);
  });

  it('reads the plainest tasks itself (a plan as a client writes it)', () => {
    const plain = [
      { task_id: 'a', description: '' },
      { task_id: 'b', description: 'B', required_skills: ['x', 'y'], depends_on: ['a'] },
      {
        task_id: 'c',
        description: 'C',
        priority: 'HIGH',
        requires_approval: true,
        estimated_cost: 2,
        agent: 'q',
      },
    ];
    for (const t of plain) {
      const quick = quickTask(t);
      expect(quick).not.toBeNull();
      expect(quick).toEqual(taskSpecSchema.parse(t));
    }
  });

  it('leaves to zod a duplicate skill, an object not plain, and a field it does not read', () => {
    expect(quickTask({ task_id: 'a', description: '', required_skills: ['x', 'x'] })).toBeNull();
    expect(quickTask(Object.assign(Object.create(null), { task_id: 'a', description: '' }))).toBeNull();
    expect(quickTask({ task_id: 'a', description: '', checks: [] })).toBeNull();
    expect(quickTask([])).toBeNull();
  });
});
