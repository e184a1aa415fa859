import type { TaskStatus } from '../../src-shared/schemas/run.ts';

/**
 * The task state machine. Every status change the engine makes goes through `transition`,
 * so an illegal one is an error, never silently applied. See ARCHITECTURE.md for the diagram.
 */
export const TASK_TRANSITIONS = {
  pending: ['ready', 'blocked', 'skipped', 'cancelled'],
  blocked: ['ready', 'skipped', 'cancelled'],
  ready: ['in_progress', 'awaiting_approval', 'unassigned', 'skipped', 'cancelled'],
  awaiting_approval: ['ready', 'skipped', 'cancelled'],
  // back to ready: a retry, or an attempt interrupted by a crash
  in_progress: ['done', 'failed', 'ready', 'cancelled'],
  done: [],
  failed: ['ready'],
  unassigned: ['ready'],
  skipped: [],
  cancelled: [],
} as const satisfies Record<TaskStatus, readonly TaskStatus[]>;

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  readonly taskId: string;
  readonly from: TaskStatus;
  readonly to: TaskStatus;
  constructor(taskId: string, from: TaskStatus, to: TaskStatus) {
    super(`illegal task transition for "${taskId}": ${from} → ${to}`);
    this.taskId = taskId;
    this.from = from;
    this.to = to;
  }
}

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return (TASK_TRANSITIONS[from] as readonly TaskStatus[]).includes(to);
}

export function assertTransition(taskId: string, from: TaskStatus, to: TaskStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(taskId, from, to);
}
