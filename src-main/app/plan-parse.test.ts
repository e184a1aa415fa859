import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src-shared/schemas/plan.ts';
import { parsePlanSliced, SLICED_PLAN_TASKS } from './plan-parse.ts';

/** A plan of `n` tasks with most of a task's optional fields set on some of them, and defaults left to fill. */
function bigPlan(n: number): Record<string, unknown> {
  const tasks = Array.from({ length: n }, (_, i) => ({
    task_id: `t${i}`,
    description: `task ${i}`,
    required_skills: ['echo'],
    ...(i > 0 && { depends_on: [`t${i - 1}`] }),
    ...(i % 3 === 0 && { priority: 'HIGH', tags: ['a', 'b'], timeout_s: 30 }),
    ...(i % 5 === 0 && { requires_approval: true, estimated_cost: 0.5 }),
    ...(i % 7 === 1 && { condition: { dependencies: { [`t${i - 1}`]: ['done'] } } }),
    ...(i % 11 === 2 && { retry: { max_attempts: 3 } }),
  }));
  return { plan_id: 'big', name: 'Big', tags: ['nightly'], budget: 10, goal: 'all of it', tasks };
}

/** The same answer as `parsePlan`, as JSON (key order included: a saved plan is its JSON). */
async function same(raw: unknown): Promise<ReturnType<typeof parsePlan>> {
  const sliced = await parsePlanSliced(raw, 0);
  expect(JSON.stringify(sliced)).toBe(JSON.stringify(parsePlan(raw)));
  return sliced;
}

describe('parsePlanSliced', () => {
  it('reads a large valid plan as parsePlan does, defaults filled, fields in the same order', async () => {
    const r = await same(bigPlan(1_000));
    expect(r.ok ? [] : r.issues.slice(0, 3)).toEqual([]);
  });

  it('gives the thread back between slices of a large plan (a slice of no time here), and not for a small one', async () => {
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    await parsePlanSliced(bigPlan(SLICED_PLAN_TASKS), 0);
    expect(ran).toBe(false);
    await parsePlanSliced(bigPlan(1_000), 0);
    expect(ran).toBe(true);
  });

  it('answers every problem of a large plan exactly as parsePlan, paths included', async () => {
    const badTask = bigPlan(1_000);
    (badTask.tasks as Record<string, unknown>[])[700]!.priority = 'URGENT';
    (badTask.tasks as Record<string, unknown>[])[900]!.depends_on = ['nowhere'];
    const r = await same(badTask);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path.join('.'))).toContain('tasks.700.priority');

    const badHead = { ...bigPlan(1_000), budget: -1, surprise: true };
    expect((await same(badHead)).ok).toBe(false);

    const cycle = bigPlan(1_000);
    (cycle.tasks as Record<string, unknown>[])[0]!.depends_on = ['t999'];
    expect((await same(cycle)).ok).toBe(false);

    const duplicate = bigPlan(1_000);
    (duplicate.tasks as Record<string, unknown>[])[500]!.task_id = 't10';
    expect((await same(duplicate)).ok).toBe(false);
  });

  it('answers what is not a plan at all as parsePlan does', async () => {
    for (const raw of [null, 'plan', { plan_id: 'x' }, { plan_id: 'x', tasks: 'many' }]) await same(raw);
  });
});
