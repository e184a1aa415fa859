import type { AgentExecutionStats } from '../../../../src-shared/schemas/run.ts';
import { formatDuration } from '../../format/duration.ts';

/** An agent's success as a person reads it: a whole percent of the attempts that ended, or —. */
export function agentSuccess(stats: AgentExecutionStats | undefined): string {
  if (!stats || stats.success_rate === null) return '—';
  return `${Math.round(stats.success_rate)}% of ${stats.completed + stats.failed}`;
}

/** An agent's average time to complete a task, as a duration (850 ms, 1.2 s, 4 min 05 s), or —. */
export function agentTime(stats: AgentExecutionStats | undefined): string {
  const s = stats?.average_completion_time;
  return s === null || s === undefined ? '—' : formatDuration(s * 1000);
}
