import type { TaskStatus } from '../../../../src-shared/schemas/run.ts';

/** A task status in words. */
export const STATUS_LABEL: Record<TaskStatus, string> = {
  pending: 'Pending',
  blocked: 'Blocked',
  ready: 'Ready',
  awaiting_approval: 'Awaiting approval',
  in_progress: 'In progress',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  unassigned: 'Unassigned',
};
