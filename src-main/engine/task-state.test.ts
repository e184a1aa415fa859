import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import {
  isTerminalTaskStatus,
  TASK_STATUSES,
  TERMINAL_TASK_STATUSES,
} from '../../src-shared/schemas/plain/run.ts';
import {
  assertTransition,
  canTransition,
  IllegalTransitionError,
  TASK_ENTRY_STATUSES,
  TASK_TRANSITIONS,
} from './task-state.ts';

const edges = (): string[] =>
  Object.entries(TASK_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from} → ${to}`));

describe('task state machine', () => {
  it('holds exactly the moves the engine makes', () => {
    // Widening this list is a decision: add the edge here, in task-state.ts and in ARCHITECTURE.md.
    expect(edges().sort()).toEqual(
      [
        'blocked → ready',
        'blocked → skipped',
        'blocked → cancelled',
        'ready → in_progress',
        'ready → awaiting_approval',
        'ready → unassigned',
        'ready → skipped',
        'ready → cancelled',
        'awaiting_approval → ready',
        'awaiting_approval → skipped',
        'awaiting_approval → cancelled',
        'awaiting_approval → done',
        'in_progress → done',
        'in_progress → awaiting_approval',
        'in_progress → failed',
        'in_progress → ready',
        'in_progress → cancelled',
        // A person retries a failed task inside its running run (runs.retryTask).
        'failed → ready',
        'unassigned → ready',
        'skipped → blocked',
      ].sort(),
    );
  });

  it('covers every status; an ended one is left only by a retry in place', () => {
    expect(Object.keys(TASK_TRANSITIONS).sort()).toEqual([...TASK_STATUSES].sort());
    // Ended tasks go back only as a retry has them: the task ready for one more attempt, what
    // was skipped because of it blocked again. Done and cancelled work is never undone.
    const retryEdges = { failed: ['ready'], unassigned: ['ready'], skipped: ['blocked'] } as const;
    for (const s of TERMINAL_TASK_STATUSES)
      for (const to of TASK_STATUSES)
        expect(canTransition(s, to)).toBe(
          ((retryEdges as Record<string, readonly string[]>)[s] ?? []).includes(to),
        );
    // `pending` leads nowhere because nothing enters it, not because it is final.
    const leaves = (s: TaskStatus) => TASK_TRANSITIONS[s].length > 0;
    expect(TASK_STATUSES.filter((s) => !leaves(s) && s !== 'pending').sort()).toEqual(['cancelled', 'done']);
  });

  it('reaches every status but pending from where tasks start, and every open one can end', () => {
    const reached = new Set<TaskStatus>(TASK_ENTRY_STATUSES);
    for (const s of reached) for (const to of TASK_TRANSITIONS[s]) reached.add(to);
    expect([...reached].sort()).toEqual(TASK_STATUSES.filter((s) => s !== 'pending').sort());
    for (const s of TASK_STATUSES) expect(canTransition(s, 'pending')).toBe(false);
    // Every open status can still reach a final one, so no task is stuck by the table.
    for (const s of TASK_STATUSES) {
      if (s === 'pending' || isTerminalTaskStatus(s)) continue;
      expect(TASK_TRANSITIONS[s].some((to) => isTerminalTaskStatus(to))).toBe(true);
    }
  });

  it('refuses an illegal transition with an error naming it', () => {
    expect(() => assertTransition('t1', 'done', 'in_progress')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('t1', 'done', 'ready')).toThrow(
      'illegal task transition for "t1": done → ready',
    );
    expect(() => assertTransition('t1', 'pending', 'ready')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('t1', 'ready', 'in_progress')).not.toThrow();
  });

  it('is the table ARCHITECTURE.md documents', () => {
    const doc = readFileSync(new URL('./ARCHITECTURE.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Task states'), doc.indexOf('## Run states'));
    const documented = [...section.matchAll(/^\| `(\w+)` \| `(\w+)` \|/gm)].map(
      ([, from, to]) => `${from} → ${to}`,
    );
    expect(documented.sort()).toEqual(edges().sort());
  });
});
