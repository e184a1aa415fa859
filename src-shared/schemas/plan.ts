import { z } from 'zod';
import { idSchema, skillSchema } from './common.ts';
import { deciderSpecSchema } from './decision.ts';
import type { PlanDiffCounts } from './plan-diff.ts';

export const PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const MAX_TASKS_PER_PLAN = 200_000;

const MAX_INPUT_BYTES = 256 * 1024;

// Messages a person reads next to the field's name ("Estimated cost must be …").
const NUMBER_FROM_0 = 'must be a number of 0 or more';
const SECONDS = 'must be a number of seconds, more than 0';
const ATTEMPTS = 'must be a whole number from 1 to 20';

export const retryPolicySchema = z.strictObject({
  /** Attempts in all, the first included. */
  max_attempts: z.number({ error: ATTEMPTS }).int(ATTEMPTS).min(1, ATTEMPTS).max(20, ATTEMPTS).default(1),
  backoff: z
    .strictObject({
      initial_ms: z.number().int().min(0).max(3_600_000).default(1_000),
      max_ms: z.number().int().min(0).max(86_400_000).default(60_000),
      factor: z.number().min(1).max(10).default(2),
      /** Spread of the random jitter: 0.2 means ±20 %. */
      jitter: z.number().min(0).max(1).default(0.2),
    })
    .prefault({}),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/**
 * Run a task only when named dependencies ended in given statuses and/or a dependency's
 * output matches. Without a condition a task needs every dependency `done`.
 */
export const conditionSchema = z
  .strictObject({
    /** Dependency id → the statuses it may have ended in. Unnamed dependencies must be done. */
    dependencies: z
      .record(idSchema, z.array(z.enum(['done', 'failed', 'skipped', 'unassigned', 'cancelled'])).min(1))
      .optional(),
    output: z
      .strictObject({
        task_id: idSchema,
        /** Dot path into the output, e.g. `result.score`; empty for the whole output. */
        path: z.string().max(200).default(''),
        equals: z.unknown().optional(),
        matches: z.string().max(500).optional(),
        exists: z.boolean().optional(),
      })
      .refine((o) => o.equals !== undefined || o.matches !== undefined || o.exists !== undefined, {
        message: 'give one of equals, matches or exists',
      })
      .optional(),
  })
  .refine((c) => c.dependencies !== undefined || c.output !== undefined, {
    message: 'a condition needs dependencies or output',
  });
export type Condition = z.infer<typeof conditionSchema>;

/**
 * One task of a plan. The seed 000 shape (`task_id`, `description`, `required_skills`) is
 * accepted unchanged; the other fields extend it. Unknown keys are rejected so that a typo
 * never silently changes what runs.
 */
export const taskSpecSchema = z.strictObject({
  task_id: idSchema,
  description: z.string().max(20_000, 'must be at most 20000 characters'),
  required_skills: z.array(skillSchema).max(64, 'at most 64 skills').default([]),
  depends_on: z.array(idSchema).max(1_000, 'at most 1000 dependencies').default([]),
  priority: z.enum(PRIORITIES).default('MEDIUM'),
  deadline: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-12-01T17:00:00Z' })
    .optional(),
  requires_approval: z.boolean().default(false),
  estimated_cost: z
    .number({ error: NUMBER_FROM_0 })
    .nonnegative(NUMBER_FROM_0)
    .max(1e9, 'must be at most 1000000000')
    .default(0),
  agent: idSchema.optional(),
  timeout_s: z
    .number({ error: SECONDS })
    .positive(SECONDS)
    .max(7 * 86_400, 'must be at most 7 days (604800 s)')
    .optional(),
  retry: retryPolicySchema.optional(),
  condition: conditionSchema.optional(),
  inputs: z
    .record(z.string(), z.unknown())
    .refine(
      (v) => JSON.stringify(v).length <= MAX_INPUT_BYTES,
      `must be at most ${MAX_INPUT_BYTES} bytes as JSON`,
    )
    .optional(),
});
export type TaskSpec = z.infer<typeof taskSpecSchema>;

const planShape = z.strictObject({
  plan_id: idSchema,
  name: z.string().max(200).optional(),
  project_id: idSchema.optional(),
  /** Most this plan's runs may spend; a task that would pass it waits for approval. */
  budget: z.number({ error: NUMBER_FROM_0 }).nonnegative(NUMBER_FROM_0).optional(),
  /** What the plan is for; deciders and reviewers read it. */
  goal: z.string().max(5_000).optional(),
  /** Decide after each task what happens next (seed 002): follow rules, or ask an llm agent. */
  decider: deciderSpecSchema.optional(),
  tasks: z
    .array(taskSpecSchema)
    .min(1, 'a plan needs at least one task')
    .max(MAX_TASKS_PER_PLAN, `at most ${MAX_TASKS_PER_PLAN} tasks`),
});

interface GraphTask {
  task_id: string;
  depends_on: readonly string[];
  condition?:
    | {
        dependencies?: Record<string, unknown> | undefined;
        output?: { task_id: string; matches?: string | undefined } | undefined;
      }
    | undefined;
}
interface GraphIssue {
  path: (string | number)[];
  message: string;
}

/** Checks that need the whole plan: duplicate ids, unknown dependencies, condition references, cycles. */
export function graphIssues(tasks: readonly GraphTask[]): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const index = new Map<string, number>();
  tasks.forEach((task, i) => {
    const first = index.get(task.task_id);
    if (first !== undefined) {
      issues.push({
        path: ['tasks', i, 'task_id'],
        message: `duplicate task id "${task.task_id}" (first used at tasks[${first}])`,
      });
    } else {
      index.set(task.task_id, i);
    }
  });
  let depsKnown = true;
  tasks.forEach((task, i) => {
    task.depends_on.forEach((dep, j) => {
      if (!index.has(dep)) {
        depsKnown = false;
        issues.push({ path: ['tasks', i, 'depends_on', j], message: `unknown dependency "${dep}"` });
      } else if (dep === task.task_id) {
        depsKnown = false;
        issues.push({ path: ['tasks', i, 'depends_on', j], message: `task "${dep}" depends on itself` });
      }
    });
    const deps = new Set(task.depends_on);
    for (const dep of Object.keys(task.condition?.dependencies ?? {})) {
      if (!deps.has(dep)) {
        issues.push({
          path: ['tasks', i, 'condition', 'dependencies', dep],
          message: `"${dep}" is not in depends_on`,
        });
      }
    }
    const out = task.condition?.output?.task_id;
    if (out !== undefined && !deps.has(out)) {
      issues.push({
        path: ['tasks', i, 'condition', 'output', 'task_id'],
        message: `"${out}" is not in depends_on`,
      });
    }
    const m = task.condition?.output?.matches;
    if (m !== undefined) {
      try {
        new RegExp(m);
      } catch {
        issues.push({
          path: ['tasks', i, 'condition', 'output', 'matches'],
          message: 'is not a valid regular expression',
        });
      }
    }
  });
  if (depsKnown) {
    const cycle = findCycle(tasks);
    if (cycle) {
      issues.push({
        path: ['tasks', index.get(cycle[0]!) ?? 0, 'depends_on'],
        message: `dependency cycle: ${cycle.join(' → ')}`,
      });
    }
  }
  return issues;
}

export const planSchema = planShape.superRefine((plan, ctx) => {
  for (const issue of graphIssues(plan.tasks)) ctx.addIssue({ code: 'custom', ...issue });
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

/** One saved version of a plan, as the version history lists it. */
export interface PlanVersionSummary {
  plan_id: string;
  version: number;
  saved_at: string;
  /** The plan's name in this version. */
  name: string;
  task_count: number;
  /** Runs that ran this version. */
  run_count: number;
  /** The earliest earlier version this one is identical to (e.g. it was restored from it). */
  same_as: number | null;
  current: boolean;
  /** What changed from the version before; null for the first version (and for very large plans). */
  changes: PlanDiffCounts | null;
}

/**
 * Validates a plan and returns every problem at once. Zod skips the whole-plan checks when
 * a field has the wrong type, so here they also run on a loose reading of the raw input.
 */
export function parsePlan(raw: unknown): { ok: true; plan: Plan } | { ok: false; issues: GraphIssue[] } {
  const r = planSchema.safeParse(raw);
  if (r.success) return { ok: true, plan: r.data };
  const issues: GraphIssue[] = r.error.issues.map((i) => ({
    path: i.path as (string | number)[],
    message: i.message,
  }));
  const loose = looseGraph(raw);
  if (loose) {
    const seen = new Set(issues.map((i) => `${i.path.join('.')}|${i.message}`));
    for (const g of graphIssues(loose)) if (!seen.has(`${g.path.join('.')}|${g.message}`)) issues.push(g);
  }
  return { ok: false, issues };
}

const isStr = (v: unknown): v is string => typeof v === 'string';

/** The graph part of a raw plan, where its shape allows; tasks with a malformed id are left out. */
function looseGraph(raw: unknown): GraphTask[] | null {
  const tasks = (raw as { tasks?: unknown } | null)?.tasks;
  if (!Array.isArray(tasks)) return null;
  const out: GraphTask[] = [];
  for (const t of tasks) {
    if (t === null || typeof t !== 'object' || !isStr((t as GraphTask).task_id)) return null;
    const deps = (t as { depends_on?: unknown }).depends_on;
    out.push({
      task_id: (t as GraphTask).task_id,
      depends_on: Array.isArray(deps) ? deps.filter(isStr) : [],
    });
  }
  return out;
}
