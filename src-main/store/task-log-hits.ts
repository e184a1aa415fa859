import type { MemoryEntry } from '../../src-shared/schemas/memory.ts';
import type { TaskLogLine } from '../../src-shared/schemas/run.ts';

/** The memory type a line a task printed has when a build-log search finds it, and its entry id's prefix. */
export const LOG_ENTRY_TYPE = 'task_log';
export const LOG_ENTRY_PREFIX = 'log:';

/** A stored log line with what the search shows beside it: its run's plan and project, its task's agent. */
export interface LogLineRow extends TaskLogLine {
  plan_id: string;
  project_id: string | null;
  agent_id: string | null;
}

/**
 * A line a task printed (stdout or stderr) as the build logs show a search hit: an entry of type
 * `task_log`, tagged with its plan and run as a task result is, so the row names them.
 */
export function logAsEntry(r: LogLineRow): MemoryEntry {
  return {
    id: `${LOG_ENTRY_PREFIX}${r.id}`,
    agent_id: r.agent_id ?? 'agent',
    type: LOG_ENTRY_TYPE,
    content: { run_id: r.run_id, task_id: r.task_id, attempt: r.attempt, stream: r.stream, text: r.text },
    tags: [`plan:${r.plan_id}`, `run:${r.run_id}`],
    project_id: r.project_id,
    status: null,
    task_type: r.stream,
    task_id: r.task_id,
    created_at: r.at,
    updated_at: r.at,
  };
}
