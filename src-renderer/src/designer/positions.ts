import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import type { Positions } from '../graph/layout.ts';

const key = (planId: string) => `baton.positions.${planId}`;

/** Positions a person dragged tasks to, kept per plan in this browser profile. */
export function loadPositions(planId: string): Positions {
  try {
    return JSON.parse(localStorage.getItem(key(planId)) ?? '{}') as Positions;
  } catch {
    return {};
  }
}

export function savePositions(planId: string, positions: Positions): void {
  localStorage.setItem(key(planId), JSON.stringify(positions));
}

/**
 * The task renamed from one draft to the next: the only task whose id changed, in its place
 * (as `renameTask` leaves it). Null for any other edit, as adding or removing a task changes the count.
 */
export function renamedTask(before: PlanInput, after: PlanInput): { from: string; to: string } | null {
  if (before.tasks === after.tasks || before.tasks.length !== after.tasks.length) return null;
  let renamed: { from: string; to: string } | null = null;
  for (let i = 0; i < before.tasks.length; i++) {
    const from = before.tasks[i]!.task_id;
    const to = after.tasks[i]!.task_id;
    if (from === to) continue;
    if (renamed) return null;
    renamed = { from, to };
  }
  return renamed;
}

/**
 * The dragged positions once the draft went from `before` to `after`: a renamed task stays
 * where it was dragged to (positions are kept by task id). Undo and redo move it back and forth
 * the same way; a position left under the new id by a deleted task is not taken over.
 */
export function positionsAfter(positions: Positions, before: PlanInput, after: PlanInput): Positions {
  const renamed = renamedTask(before, after);
  if (!renamed || !(renamed.from in positions || renamed.to in positions)) return positions;
  const { [renamed.from]: at, [renamed.to]: _, ...rest } = positions;
  return at ? { ...rest, [renamed.to]: at } : rest;
}
