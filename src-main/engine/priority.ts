import type { Priority } from '../../src-shared/schemas/plan.ts';

/** Seed 004 priority weights. */
export const PRIORITY_WEIGHTS = { CRITICAL: 1000, HIGH: 100, MEDIUM: 10, LOW: 1 } as const satisfies Record<
  Priority,
  number
>;

const DAY_MS = 86_400_000;

/** Seed 004 deadline boost: overdue ×10, due today ×5, due within 3 days ×2, otherwise ×1. */
export function deadlineBoost(deadline: string | undefined, now: number): number {
  if (!deadline) return 1;
  const due = Date.parse(deadline);
  return Number.isNaN(due) ? 1 : boostForDue(due, now);
}

/** The boost for a due time in epoch ms. */
export function boostForDue(due: number, now: number): number {
  if (due < now) return 10;
  const endOfToday = new Date(now);
  endOfToday.setUTCHours(23, 59, 59, 999);
  if (due <= endOfToday.getTime()) return 5;
  if (due <= now + 3 * DAY_MS) return 2;
  return 1;
}

export function taskScore(task: { priority: Priority; deadline?: string | undefined }, now: number): number {
  return PRIORITY_WEIGHTS[task.priority] * deadlineBoost(task.deadline, now);
}
