import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src-shared/schemas/plan.ts';
import { openDatabase } from './db.ts';
import { createStore } from './store.ts';

const AT = '2026-11-21T10:00:00.000Z';

function plan(description: string) {
  const parsed = parsePlan({ plan_id: 'p', tasks: [{ task_id: 'a', description }] });
  if (!parsed.ok) throw new Error('bad plan');
  return parsed.plan;
}

describe('plan versions', () => {
  it('saves a changed plan as a new version, and the same plan again as no new version', () => {
    const store = createStore(openDatabase(':memory:'));
    const save = (p: ReturnType<typeof plan>) => store.tx(() => store.plans.save(p, AT));
    expect(save(plan('one')).version).toBe(1);
    expect(save(plan('one')).version).toBe(1);
    expect(save(plan('two')).version).toBe(2);
    expect(save(plan('two')).version).toBe(2);
    expect(save(plan('one')).version).toBe(3);
    expect(store.plans.versions('p').map((v) => v.version)).toEqual([3, 2, 1]);
  });
});
