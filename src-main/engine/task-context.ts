import type { PreparedContext } from '../../src-shared/contract/domains/work.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';

/**
 * Who the agent is, the task, its dependencies and related work (the pull API's task context), at
 * most 20 related tasks.
 */
export function prepareContext(
  runId: string,
  plan: Plan,
  spec: TaskSpec,
  task: TaskRun,
  agent: Agent,
  tasks: ReadonlyMap<string, TaskRun>,
  specs: ReadonlyMap<string, TaskSpec>,
  dependents: ReadonlyMap<string, readonly string[]>,
): PreparedContext {
  const related = new Map<string, 'sibling' | 'dependent'>();
  for (const d of dependents.get(spec.task_id) ?? []) related.set(d, 'dependent');
  for (const dep of spec.depends_on) {
    for (const sibling of dependents.get(dep) ?? []) {
      if (sibling !== spec.task_id && !related.has(sibling)) related.set(sibling, 'sibling');
      if (related.size >= 20) break;
    }
  }
  return {
    run: { id: runId, plan_id: plan.plan_id, project_id: plan.project_id ?? null },
    task: spec,
    attempt: task.attempt,
    delegation_task_id: task.delegation_task_id,
    agent: {
      id: agent.id,
      name: agent.name ?? agent.id,
      skills: agent.skills,
      charter: agent.charter ?? null,
    },
    dependencies: spec.depends_on.map((d) => {
      const t = tasks.get(d)!;
      return { task_id: d, status: t.status, output: t.output, completed: t.status === 'done' };
    }),
    related_tasks: [...related].slice(0, 20).map(([id, relation]) => ({
      task_id: id,
      status: tasks.get(id)!.status,
      description: specs.get(id)!.description,
      relation,
    })),
    // The plan's narrowing of the OS sandbox goes with the task: a remote worker applies it.
    ...(plan.sandbox ? { sandbox: plan.sandbox } : {}),
  };
}
