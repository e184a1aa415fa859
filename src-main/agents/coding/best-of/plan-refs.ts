import type { Store } from '../../../store/store.ts';

/** A problem with a task's best-of fields, at its field's path. */
export interface BestOfIssue {
  path: (string | number)[];
  message: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * A task's best-of fields as the registry sees them, checked where plans enter the main process
 * (with the workspaces they name): `candidates` and `judge` only with `attempts` of 2 or more,
 * each candidate a registered coding agent, the judge a registered `llm` agent.
 */
export function bestOfIssues(store: Store, task: Record<string, unknown>, i: number): BestOfIssue[] {
  const out: BestOfIssue[] = [];
  const taskId = str(task.task_id) ?? `#${i}`;
  const attempts = typeof task.attempts === 'number' ? task.attempts : 1;
  for (const field of ['candidates', 'judge'] as const) {
    if (task[field] !== undefined && attempts < 2)
      out.push({
        path: ['tasks', i, field],
        message: `task "${taskId}" names ${field} but runs one attempt: set attempts to 2 or more`,
      });
  }
  if (Array.isArray(task.candidates))
    task.candidates.forEach((id: unknown, j) => {
      if (typeof id !== 'string') return;
      const agent = store.agents.get(id);
      if (!agent)
        out.push({ path: ['tasks', i, 'candidates', j], message: `unknown agent "${id}" in candidates` });
      else if (agent.kind !== 'coding')
        out.push({
          path: ['tasks', i, 'candidates', j],
          message: `agent "${id}" in candidates is a ${agent.kind} agent: candidates must be coding agents`,
        });
    });
  const judge = str(task.judge);
  if (judge !== undefined) {
    const agent = store.agents.get(judge);
    if (!agent) out.push({ path: ['tasks', i, 'judge'], message: `unknown agent "${judge}" as judge` });
    else if (agent.kind !== 'llm')
      out.push({
        path: ['tasks', i, 'judge'],
        message: `agent "${judge}" is a ${agent.kind} agent: a judge must be an llm agent`,
      });
  }
  return out;
}
