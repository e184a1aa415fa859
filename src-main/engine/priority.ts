import type { Priority } from '../../src-shared/schemas/plan.ts';

/** The ready queue's priority weights. */
export const PRIORITY_WEIGHTS = { CRITICAL: 1000, HIGH: 100, MEDIUM: 10, LOW: 1 } as const satisfies Record<
  Priority,
  number
>;

const DAY_MS = 86_400_000;

/**
 * The ready queue's deadline boosts in the order a task goes through them as time passes: none
 * (×1), due within 3 days (×2), due today (×5), overdue (×10). The index is the task's deadline
 * band.
 */
export const BAND_BOOSTS = [1, 2, 5, 10] as const;
export type DeadlineBand = 0 | 1 | 2 | 3;

/**
 * When a task due at `due` (epoch ms) leaves `band` for a higher one: from `at` on, or, when
 * `after` is set, only once the time is past `at` (a task is overdue after its due time, not
 * at it). A queue that keeps tasks in bands moves each task at these instants instead of
 * recomputing every score; `bandForDue` is defined by the same instants, so the two agree.
 */
export function bandEnd(due: number, band: 0 | 1 | 2): { at: number; after: boolean } {
  if (band === 0) return { at: due - 3 * DAY_MS, after: false };
  // "Today" is the day on this machine's clock (the person's day, not UTC's): a task is due
  // today from the local midnight that starts its due date.
  if (band === 1) return { at: new Date(due).setHours(0, 0, 0, 0), after: false };
  return { at: due, after: true };
}

/** Whether `now` is past the end of a band (see bandEnd). */
export function bandHasEnded(end: { at: number; after: boolean }, now: number): boolean {
  return end.after ? now > end.at : now >= end.at;
}

/** The deadline band of a task due at `due` (epoch ms) at time `now`. */
export function bandForDue(due: number, now: number): DeadlineBand {
  if (bandHasEnded(bandEnd(due, 2), now)) return 3;
  if (bandHasEnded(bandEnd(due, 1), now)) return 2;
  if (bandHasEnded(bandEnd(due, 0), now)) return 1;
  return 0;
}

/*
 * deadlineBoost and taskScore are the ready queue's score (priority weight × deadline boost)
 * written out plainly, for one task at a time. The engine does not call them (the ready queue
 * keeps tasks in deadline bands instead): they are the reference formula the queue is tested
 * against, so they stay exported for the tests.
 */

/** The deadline boost: overdue ×10, due today ×5, due within 3 days ×2, otherwise ×1. */
export function deadlineBoost(deadline: string | undefined, now: number): number {
  if (!deadline) return 1;
  const due = Date.parse(deadline);
  return Number.isNaN(due) ? 1 : BAND_BOOSTS[bandForDue(due, now)];
}

/** A task's score in the ready queue: priority weight × deadline boost. */
export function taskScore(task: { priority: Priority; deadline?: string | undefined }, now: number): number {
  return PRIORITY_WEIGHTS[task.priority] * deadlineBoost(task.deadline, now);
}
