import type { TaskStatus } from '../../../../src-shared/schemas/plain/run.ts';
import type { TaskRun } from '../../../../src-shared/schemas/run.ts';

/** A task run for tests: run `r`, first attempt, done by `writer` with output `{ ok: true }`, unless `more` says otherwise. */
export const task = (task_id: string, status: TaskStatus, more: Partial<TaskRun> = {}): TaskRun => ({
  run_id: 'r',
  task_id,
  status,
  agent_id: 'writer',
  delegation_task_id: null,
  attempt: 1,
  reason: null,
  match: null,
  output: { ok: true },
  error: null,
  started_at: null,
  finished_at: null,
  updated_at: '2026-11-21T10:00:00.000Z',
  progress: null,
  progress_message: null,
  retry_at: null,
  cost: 0,
  cost_unknown: 0,
  ...more,
});

/** Task runs by task id, as the store keeps a run's tasks. */
export const byId = (...tasks: TaskRun[]) => Object.fromEntries(tasks.map((t) => [t.task_id, t]));
