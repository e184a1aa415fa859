import { describe, expect, it } from 'vitest';
import { TASK_STATUSES, TERMINAL_TASK_STATUSES } from '../../src-shared/schemas/run.ts';
import { assertTransition, canTransition, IllegalTransitionError, TASK_TRANSITIONS } from './task-state.ts';

describe('task state machine', () => {
  it('covers every status, and done/skipped/cancelled are final', () => {
    expect(Object.keys(TASK_TRANSITIONS).sort()).toEqual([...TASK_STATUSES].sort());
    for (const s of ['done', 'skipped', 'cancelled'] as const) expect(TASK_TRANSITIONS[s]).toEqual([]);
    for (const s of TERMINAL_TASK_STATUSES) expect(canTransition(s, 'in_progress')).toBe(false);
  });
  it('refuses an illegal transition with an error naming it', () => {
    expect(() => assertTransition('t1', 'done', 'in_progress')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('t1', 'pending', 'done')).toThrow(
      'illegal task transition for "t1": pending → done',
    );
    expect(() => assertTransition('t1', 'ready', 'in_progress')).not.toThrow();
  });
});
