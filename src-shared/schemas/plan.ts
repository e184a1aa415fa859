import { z } from 'zod';
import { idSchema, skillSchema } from './common.ts';

export const PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const MAX_TASKS_PER_PLAN = 200_000;

/**
 * One task of a plan. The seed 000 shape (`task_id`, `description`, `required_skills`) is
 * accepted unchanged; `depends_on`, `priority`, `agent` and `inputs` extend it. Unknown keys
 * are rejected so that a typo never silently changes what runs.
 */
export const taskSpecSchema = z.strictObject({
  task_id: idSchema,
  description: z.string().max(20_000, 'must be at most 20000 characters'),
  required_skills: z.array(skillSchema).max(64, 'at most 64 skills').default([]),
  depends_on: z.array(idSchema).max(1_000, 'at most 1000 dependencies').default([]),
  priority: z.enum(PRIORITIES).default('MEDIUM'),
  agent: idSchema.optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});
export type TaskSpec = z.infer<typeof taskSpecSchema>;

const planShape = z.strictObject({
  plan_id: idSchema,
  name: z.string().max(200).optional(),
  project_id: idSchema.optional(),
  tasks: z
    .array(taskSpecSchema)
    .min(1, 'a plan needs at least one task')
    .max(MAX_TASKS_PER_PLAN, `at most ${MAX_TASKS_PER_PLAN} tasks`),
});

/** Graph checks that need the whole plan: duplicate ids, unknown dependencies, cycles. */
export const planSchema = planShape.superRefine((plan, ctx) => {
  const index = new Map<string, number>();
  plan.tasks.forEach((task, i) => {
    const first = index.get(task.task_id);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tasks', i, 'task_id'],
        message: `duplicate task id "${task.task_id}" (first used at tasks[${first}])`,
      });
    } else {
      index.set(task.task_id, i);
    }
  });
  let depsKnown = true;
  plan.tasks.forEach((task, i) => {
    task.depends_on.forEach((dep, j) => {
      if (!index.has(dep)) {
        depsKnown = false;
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', i, 'depends_on', j],
          message: `unknown dependency "${dep}"`,
        });
      } else if (dep === task.task_id) {
        depsKnown = false;
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', i, 'depends_on', j],
          message: `task "${dep}" depends on itself`,
        });
      }
    });
  });
  if (!depsKnown) return;
  const cycle = findCycle(plan.tasks);
  if (cycle) {
    const at = index.get(cycle[0]!) ?? 0;
    ctx.addIssue({
      code: 'custom',
      path: ['tasks', at, 'depends_on'],
      message: `dependency cycle: ${cycle.join(' → ')}`,
    });
  }
});
export type Plan = z.infer<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;

/** Returns one cycle as a closed path (`a → b → a`), or null. Iterative: safe for deep plans. */
export function findCycle(
  tasks: readonly { task_id: string; depends_on: readonly string[] }[],
): string[] | null {
  const deps = new Map(tasks.map((t) => [t.task_id, t.depends_on]));
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = finished
  for (const root of deps.keys()) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edges = deps.get(top.id) ?? [];
      if (top.next < edges.length) {
        const dep = edges[top.next++]!;
        const seen = state.get(dep);
        if (seen === 1) {
          const from = stack.findIndex((f) => f.id === dep);
          // Report in the direction work flows: a task before the one that waits on it.
          return [...stack.slice(from).map((f) => f.id), dep].reverse();
        }
        if (seen === undefined && deps.has(dep)) {
          state.set(dep, 1);
          stack.push({ id: dep, next: 0 });
        }
      } else {
        state.set(top.id, 2);
        stack.pop();
      }
    }
  }
  return null;
}

export const planSummarySchema = z.object({
  plan_id: idSchema,
  name: z.string(),
  project_id: z.string().nullable(),
  version: z.number().int(),
  task_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type PlanSummary = z.infer<typeof planSummarySchema>;

export interface StoredPlan extends PlanSummary {
  plan: Plan;
}
