/**
 * The statuses of tasks and runs, their counts and a cost in words, without zod: the UI's first
 * screen reads these, and zod loads only with a form or a check.
 */

/**
 * Task statuses. The task flows Baton grew from (a task from a sentence with its approvals, the
 * pull API; docs/origins.md) map onto them: TODO → ready (dependencies met) or blocked, PENDING
 * (waiting for approval) → awaiting_approval, BLOCKED → blocked, IN_PROGRESS → in_progress,
 * COMPLETED/DONE → done, FAILED → failed, CANCELLED → cancelled. `pending` is named for their
 * vocabulary but no task is ever in it: a task starts ready or blocked. The legal transitions
 * live in src-main/engine/task-state.ts.
 */
export const TASK_STATUSES = [
  'pending',
  'blocked',
  'ready',
  'awaiting_approval',
  'in_progress',
  'done',
  'failed',
  'cancelled',
  'skipped',
  'unassigned',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_TASK_STATUSES = ['done', 'failed', 'cancelled', 'skipped', 'unassigned'] as const;
export type TerminalTaskStatus = (typeof TERMINAL_TASK_STATUSES)[number];

export function isTerminalTaskStatus(s: TaskStatus): s is TerminalTaskStatus {
  return (TERMINAL_TASK_STATUSES as readonly TaskStatus[]).includes(s);
}

/** Run statuses; `executing` and `failed` are the build response's statuses. */
export const RUN_STATUSES = ['executing', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type TaskCounts = Record<TaskStatus, number>;

/** Counts with every status at zero. */
export function emptyCounts(): TaskCounts {
  return Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as TaskCounts;
}

/** How many tasks the counts hold, in all statuses. */
export const taskTotal = (counts: TaskCounts): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Whether a cost is known: all of it, part of it (`partial`: some calls priced, some not), or none of it. */
export type CostState = 'known' | 'partial' | 'unknown';

/** What is known of a cost of `amount` USD with `unknown` calls not priced. */
export function costState(amount: number, unknown: number): CostState {
  if (unknown <= 0) return 'known';
  return amount > 0 ? 'partial' : 'unknown';
}

/**
 * A cost as a person reads it, the unknown part said, never left out: `1.2`, `1.2 + unknown`,
 * `unknown` (`show` writes the known amount: `$1.20`, `1.2`).
 */
export function costWords(amount: number, unknown: number, show: (n: number) => string): string {
  const state = costState(amount, unknown);
  switch (state) {
    case 'known':
      return show(amount);
    case 'partial':
      return `${show(amount)} + unknown`;
    case 'unknown':
      return 'unknown';
    default:
      return state satisfies never;
  }
}

/** The reason a re-run gives a finished task it copies from the run before: not a new attempt. */
export const REUSED_REASON_PREFIX = 'reused from run ';
