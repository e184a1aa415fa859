import type { TaskContext } from '../../engine/executor.ts';

/**
 * What an agent outside Baton is told about its task: the task, the agent's own identity and
 * charter, the dependencies with their status and outputs, the attempt and the run/plan ids.
 * Never agent configuration (commands, URLs, secret names) and never secret values.
 */
export function taskDocument(ctx: TaskContext) {
  const { agent } = ctx;
  return {
    run_id: ctx.run_id,
    plan_id: ctx.plan_id,
    project_id: ctx.project_id,
    delegation_task_id: ctx.delegation_task_id,
    attempt: ctx.attempt,
    task: ctx.task,
    agent: { id: agent.id, name: agent.name ?? null, skills: agent.skills, charter: agent.charter ?? null },
    dependencies: ctx.dependencies,
    ...(ctx.memory ? { memory: ctx.memory } : {}),
  };
}
