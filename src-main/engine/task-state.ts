import type { TaskStatus } from '../../src-shared/schemas/plain/run.ts';

/**
 * The statuses a task row is created in: `ready` when no dependency is left to wait for, else
 * `blocked` (a new run, `run-launch.ts`); `done` for a finished task a re-run copies (it never
 * moves); `ready`, `blocked` or `skipped` for a task the decider adds (audited from nothing).
 * No task is ever created `pending`.
 */
export const TASK_ENTRY_STATUSES = [
  'ready',
  'blocked',
  'done',
  'skipped',
] as const satisfies readonly TaskStatus[];

/**
 * The task state machine: exactly the moves the engine makes, and no others, so that a bug
 * that would move a task wrongly (a failed task made ready again) is an error, never silently
 * applied. Every status change goes through `RunWriter.setStatus`, which asserts it here.
 * ARCHITECTURE.md lists the same edges with who makes each; a test holds the two together.
 */
export const TASK_TRANSITIONS = {
  // The seeds' PENDING / TODO. Baton never enters it (a task starts ready or blocked, see
  // TASK_ENTRY_STATUSES), so nothing may leave it either: a row that somehow read `pending`
  // would be refused, not quietly carried on.
  pending: [],
  // Dependencies settled: ready, or skipped when one ended otherwise than the task accepts
  // (or the decider closed the run). Cancelled by a person.
  blocked: ['ready', 'skipped', 'cancelled'],
  // Taken by an agent (or a person approving an escalation), gated for an approval or a budget,
  // unassigned when no agent can ever take it, skipped when the decider closes the run.
  ready: ['in_progress', 'awaiting_approval', 'unassigned', 'skipped', 'cancelled'],
  // Approved (back in the queue; changes requested on a diff: the same agent goes on), rejected
  // or closed by the decider (skipped), cancelled; a reviewed diff approved (done).
  awaiting_approval: ['ready', 'skipped', 'cancelled', 'done'],
  // Back to ready: a failed attempt with attempts left (a retry after backoff), or an attempt
  // interrupted by a restart. Cancelled by a person, or when the decider closes the run. An
  // attempt whose diff a person reviews first waits for them (awaiting_approval).
  in_progress: ['done', 'failed', 'ready', 'cancelled', 'awaiting_approval'],
  // Ended. A failed or unassigned task runs again in a re-run (`rerunFrom`, a new run with new
  // rows), or in place while its run executes: a person retries it (`runs.retryTask`), and the
  // tasks skipped because of it wait again (blocked). Nothing else leaves an ended task.
  done: [],
  failed: ['ready'],
  unassigned: ['ready'],
  skipped: ['blocked'],
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
