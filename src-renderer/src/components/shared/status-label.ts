import type { TaskStatus } from '../../../../src-shared/schemas/plain/run.ts';
import type { TaskRun } from '../../../../src-shared/schemas/run.ts';

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

/** What a ready task that waits for a person to take it (a human agent's task) says, in place of "Ready". */
export const FOR_PERSON_LABEL = 'Ready for a person';

/**
 * Whether a task waits for a person: one awaiting approval, or one ready for a human agent
 * (`humans`: their ids) to take it in My tasks. These are drawn in their own colour.
 */
export function waitsForPerson(
  task: Pick<TaskRun, 'status' | 'agent_id' | 'match'> | undefined,
  humans: ReadonlySet<string>,
): boolean {
  if (!task) return false;
  if (task.status === 'awaiting_approval') return true;
  const who = task.agent_id ?? task.match?.agent_id;
  return task.status === 'ready' && who !== null && who !== undefined && humans.has(who);
}

/**
 * A task's status as its pill shows it: its class (`status-…`) and words. A task ready for a
 * person says so, in the colour of what waits for a person, not as any ready task.
 */
export function statusPill(
  task: Pick<TaskRun, 'status' | 'agent_id' | 'match'>,
  humans: ReadonlySet<string>,
): { className: string; label: string } {
  if (task.status === 'ready' && waitsForPerson(task, humans))
    return { className: 'status-person', label: FOR_PERSON_LABEL };
  return { className: `status-${task.status}`, label: STATUS_LABEL[task.status] };
}
