import { z } from 'zod';
import { boundedJsonSchema, idSchema, skillSchema } from './common.ts';
import { dailyCapSchema } from './daily-cap.ts';
import { deciderSpecSchema } from './decision.ts';
import { boundedRecordSchema, taskInputsSchema } from './free-json.ts';
import { LAND_BRANCHES, LAND_MODES, pullRequestOptionsSchema } from './landing.ts';
import { approversSchema } from './people.ts';
import { cycleIn } from './plain/plan-cycle.ts';
import type { PlanDiffCounts } from './plan-diff.ts';
import { runInputsDeclSchema } from './run-inputs.ts';
import { sandboxNarrowingSchema } from './sandbox.ts';
import { onLimitSchema } from './usage-limit.ts';

export { findCycle } from './plain/plan-cycle.ts';

export const PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const MAX_TASKS_PER_PLAN = 200_000;

/** What a plan's budget caps: one run's spend, or all its runs' together. */
export const BUDGET_SCOPES = ['run', 'plan'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];
/** A plan's budget scope; absent means per run. */
export const budgetScopeOf = (plan: { budget_scope?: BudgetScope | undefined }): BudgetScope =>
  plan.budget_scope ?? 'run';

// Messages a person reads next to the field's name ("Estimated cost must be …").
const NUMBER_FROM_0 = 'must be a number of 0 or more';
const SECONDS = 'must be a number of seconds, more than 0';
const ATTEMPTS = 'must be a whole number from 1 to 20';
const REVIEWS = 'must be a whole number from 1 to 1000 (or absent for no limit)';

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
        equals: boundedJsonSchema.optional(),
        /**
         * A regular expression tested on the value (as JSON text unless a string). One that can
         * take super-linear time is refused where plans enter the main process
         * (`src-main/app/pattern-safety.ts`: the checker is too heavy for this shared schema).
         */
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

function duplicateSkills(skills: readonly unknown[], ctx: z.RefinementCtx<unknown>): void {
  const first = new Map<unknown, number>();
  skills.forEach((skill, j) => {
    if (typeof skill !== 'string') return;
    const at = first.get(skill);
    if (at === undefined) first.set(skill, j);
    else
      ctx.addIssue({
        code: 'custom',
        path: [j],
        message: `duplicate skill "${skill}" (first listed at required_skills[${at}])`,
      });
  });
}

/**
 * One task of a plan. The plan file's core (`task_id`, `description`, `required_skills`) is
 * accepted unchanged; the other fields extend it. Unknown keys are rejected so that a typo
 * never silently changes what runs.
 */
export const taskSpecSchema = z.strictObject({
  task_id: idSchema,
  description: z.string().max(20_000, 'must be at most 20000 characters'),
  required_skills: z
    .array(skillSchema)
    .max(64, 'at most 64 skills')
    // Matching scores skill fit by the number of skills asked for, so a repeated skill
    // would push the score out of its 0..1 range. Runs even when another entry is
    // malformed, so both problems are reported together.
    .superRefine(duplicateSkills, { when: (payload) => Array.isArray(payload.value) })
    .default([]),
  depends_on: z.array(idSchema).max(1_000, 'at most 1000 dependencies').default([]),
  priority: z.enum(PRIORITIES).default('MEDIUM'),
  deadline: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-12-01T17:00:00Z' })
    .optional(),
  requires_approval: z.boolean().default(false),
  /** Who may decide its approvals (gate, diff review, tool calls): people, a least role; else the plan's. */
  approvers: approversSchema.optional(),
  estimated_cost: z
    .number({ error: NUMBER_FROM_0 })
    .nonnegative(NUMBER_FROM_0)
    .max(1e9, 'must be at most 1000000000')
    .default(0),
  agent: idSchema.optional(),
  /** The workspace a coding agent works in for this task (a registered one); the plan's otherwise. */
  workspace: idSchema.optional(),
  /** `diff`: after an attempt of a coding agent, wait for a person to review its diff; default: the agent's. */
  review: z.enum(['diff', 'none']).optional(),
  /** When the dependencies' branches do not merge: fail the attempt naming the files (default), or ask a person. */
  on_conflict: z.enum(['fail', 'ask']).optional(),
  /**
   * The workspace's checks to run after a coding agent's attempt (by name; `[]`: none);
   * default: all of them.
   */
  checks: z.array(idSchema).max(50, 'at most 50 checks').optional(),
  /** How many times failing checks go back to the agent's session before giving up; default 2. */
  fix_rounds: z
    .number({ error: 'must be a whole number from 0 to 10' })
    .int('must be a whole number from 0 to 10')
    .min(0, 'must be a whole number from 0 to 10')
    .max(10, 'must be a whole number from 0 to 10')
    .optional(),
  /** After the last fix round, checks still failing: fail the task (default), or put its diff to a person with the checks marked red. */
  on_checks_failed: z.enum(['fail', 'review']).optional(),
  /**
   * When its agent's account hits a usage or rate limit (`src-shared/schemas/usage-limit.ts`):
   * `wait` for the reset and go on with the same agent, `fail_over` to the next qualified agent
   * that is not limited, or `fail`; default: the plan's, else `wait`. Such an attempt uses none of the retries.
   */
  on_limit: onLimitSchema.optional(),
  /**
   * Best of N (docs/best-of.md): a coding task's attempt runs this many candidates in parallel,
   * each in its own worktree with its checks, and the best one is the task's work; default 1.
   */
  attempts: z
    .number({ error: 'must be a whole number from 1 to 8' })
    .int('must be a whole number from 1 to 8')
    .min(1, 'must be a whole number from 1 to 8')
    .max(8, 'must be a whole number from 1 to 8')
    .optional(),
  /** The coding agents the candidates cycle through (ids); default: the task's agent each time. */
  candidates: z
    .array(idSchema)
    .min(1, 'must name at least one coding agent')
    .max(8, 'at most 8 agents')
    .optional(),
  /** An `llm` agent asked to pick between candidates whose checks tie. */
  judge: idSchema.optional(),
  /**
   * A JSON Schema the task's answer must meet (an `llm` agent's: sent as `response_format` and
   * checked; a mismatch is retried once, then fails the attempt naming it).
   */
  output_schema: boundedRecordSchema.optional(),
  timeout_s: z
    .number({ error: SECONDS })
    .positive(SECONDS)
    .max(7 * 86_400, 'must be at most 7 days (604800 s)')
    .optional(),
  retry: retryPolicySchema.optional(),
  condition: conditionSchema.optional(),
  inputs: taskInputsSchema.optional(),
  /**
   * Labels for pull agents' selection (the pull API: `selectNextTask` with `require_tags`), e.g.
   * `backend`, `gpu`. Not skills: a tag does not decide who can do a task, only who asks for it.
   */
  tags: z.array(skillSchema).max(32, 'at most 32 tags').optional(),
});
export type TaskSpec = z.infer<typeof taskSpecSchema>;

export const planShape = z.strictObject({
  plan_id: idSchema,
  name: z.string().max(200).optional(),
  project_id: idSchema.optional(),
  /** Labels to find the plan by on the Plans page (`nightly`, `team-docs`); they decide nothing. */
  tags: z.array(skillSchema).max(32, 'at most 32 tags').optional(),
  /** Who looks after the plan: a person's name or a team, shown on the Plans page. */
  owner: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  /** Most this plan may spend (per run, or across its runs: `budget_scope`); a task that would pass it waits for approval. */
  budget: z.number({ error: NUMBER_FROM_0 }).nonnegative(NUMBER_FROM_0).optional(),
  /**
   * What `budget` caps: `run`, each run's own spend (every run, a re-run too, starts with the
   * whole budget), or `plan`, the spend of all its runs together. Absent means `run`: a budget
   * written on a plan reads as what running it may cost, and plans saved before this field
   * keep that reading without a new version. A project's budget always counts across runs.
   */
  budget_scope: z
    .enum(BUDGET_SCOPES, {
      error: 'must be "run" (each run may spend the budget) or "plan" (all runs share it)',
    })
    .optional(),
  /**
   * Most all its runs together may spend in a day (USD and/or tokens): once spent, none of its
   * tasks starts until the day turns; an attempt running is stopped at its next model turn.
   */
  daily_cap: dailyCapSchema.optional(),
  /** What the plan is for; deciders and reviewers read it. */
  goal: z.string().max(5_000).optional(),
  /** The decider: what happens after each task, by rules or by asking an llm agent. */
  decider: deciderSpecSchema.optional(),
  /** The workspace (a registered git repository) its coding tasks work in, unless a task names its own. */
  workspace: idSchema.optional(),
  /** Who may decide its tasks' approvals unless a task names its own; else the workspace's, else any member. */
  approvers: approversSchema.optional(),
  /**
   * Narrows the OS sandbox of every process its tasks' agents start (fewer hosts, fewer folders,
   * more hidden; `src-shared/schemas/sandbox.ts`): a plan can narrow it, never widen it.
   */
  sandbox: sandboxNarrowingSchema.optional(),
  /**
   * How its work lands once a run is completed (`src-shared/schemas/landing.ts`): `none` (default),
   * `push` (to the workspace's remote), `pull_request` (pushed, and a pull request opened and followed).
   */
  land: z.enum(LAND_MODES, { error: 'must be "none", "push" or "pull_request"' }).optional(),
  /** What lands: each done task's final branch (`tasks`, default) or the run's branches merged into `baton/<run>` (`run`). */
  land_branches: z.enum(LAND_BRANCHES, { error: 'must be "tasks" or "run"' }).optional(),
  /** The pull requests it opens: labels, reviewers, draft until the forge's checks pass. */
  pull_request: pullRequestOptionsSchema.optional(),
  /** What a run of the plan takes as inputs (schedules, triggers, `runs.start`); tasks read them in `inputs.run`. */
  run_inputs: runInputsDeclSchema.optional(),
  /** While this many of its diff reviews wait for a person, none of its coding tasks starts (absent: no limit). */
  max_open_reviews: z.number({ error: REVIEWS }).int(REVIEWS).min(1, REVIEWS).max(1000, REVIEWS).optional(),
  /** What its tasks do when their agent's account hits a usage or rate limit, unless a task says (default `wait`). */
  on_limit: onLimitSchema.optional(),
  tasks: z
    .array(taskSpecSchema)
    .min(1, 'a plan needs at least one task')
    .max(MAX_TASKS_PER_PLAN, `at most ${MAX_TASKS_PER_PLAN} tasks`),
});

/**
 * The parts of a task the whole-plan checks read. Loose on purpose: `parsePlan` also runs
 * these checks on raw input that failed the schema, where any part may be missing.
 */
interface GraphTask {
  task_id: string;
  /** A malformed entry is `undefined`, so that the others keep their index in paths. */
  depends_on: readonly (string | undefined)[];
  condition?:
    | {
        dependencies?: Record<string, unknown> | undefined;
        output?: { task_id?: string | undefined; matches?: string | undefined } | undefined;
      }
    | undefined;
}
interface GraphIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Checks that need the whole plan: duplicate ids, unknown dependencies, condition references,
 * cycles. A task that could not be read is `undefined`: it is left out, and the others keep
 * their index in paths. Every problem is reported; one never hides another.
 */
export function graphIssues(tasks: readonly (GraphTask | undefined)[]): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const index = new Map<string, number>();
  tasks.forEach((task, i) => {
    if (!task) return;
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
  // The edges the cycle search may follow: to known tasks, and not to the task itself (that
  // is reported on its own). A duplicate id's edges are left out: it is reported as a
  // duplicate, and its dependencies are read from the task that first used the id.
  // By a task's index, the edges it may follow (left out: a task not read, a duplicate id).
  const edges: (readonly string[] | undefined)[] = new Array(tasks.length);
  tasks.forEach((task, i) => {
    if (!task) return;
    // The task's own list when every dependency is known (the usual): no copy per task.
    let allKnown = true;
    task.depends_on.forEach((dep, j) => {
      if (dep === undefined) allKnown = false;
      else if (!index.has(dep)) {
        issues.push({ path: ['tasks', i, 'depends_on', j], message: `unknown dependency "${dep}"` });
        allKnown = false;
      } else if (dep === task.task_id) {
        issues.push({ path: ['tasks', i, 'depends_on', j], message: `task "${dep}" depends on itself` });
        allKnown = false;
      }
    });
    const known = allKnown
      ? (task.depends_on as readonly string[])
      : task.depends_on.filter((d): d is string => d !== undefined && index.has(d) && d !== task.task_id);
    if (index.get(task.task_id) === i) edges[i] = known;
    if (!task.condition) return;
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
  const cycle = cycleIn(tasks, edges, index);
  if (cycle) {
    issues.push({
      path: ['tasks', index.get(cycle[0]!) ?? 0, 'depends_on'],
      message: `dependency cycle: ${cycle.join(' → ')}`,
    });
  }
  return issues;
}

/**
 * A plan's shape and its whole-plan checks in one schema (the JSON Schema and tests use it).
 * `parsePlan` runs the two steps itself, so that the checks run once whichever step fails.
 */
export const planSchema = planShape.superRefine((plan, ctx) => {
  for (const issue of graphIssues(plan.tasks)) ctx.addIssue({ code: 'custom', ...issue });
});
export type Plan = z.infer<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;

export const planSummarySchema = z.object({
  plan_id: idSchema,
  name: z.string(),
  project_id: z.string().nullable(),
  version: z.number().int(),
  task_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  /** The current version's tags and owner (empty, null without). */
  tags: z.array(z.string()),
  owner: z.string().nullable(),
  /** When the plan was archived (hidden from lists, refused a run), null when it is not. */
  archived_at: z.string().nullable(),
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
 * Validates a plan and returns every problem at once: the shape's, then the whole-plan checks'.
 * Those run once, on the parsed plan, or on a loose reading of the raw input when the shape is
 * wrong, so that a field of the wrong type never hides a cycle or an unknown dependency.
 */
export function parsePlan(raw: unknown): { ok: true; plan: Plan } | { ok: false; issues: GraphIssue[] } {
  const r = planShape.safeParse(raw);
  if (r.success) {
    const issues = graphIssues(r.data.tasks);
    return issues.length === 0 ? { ok: true, plan: r.data } : { ok: false, issues };
  }
  const issues: GraphIssue[] = r.error.issues.map((i) => ({
    path: i.path as (string | number)[],
    message: i.message,
  }));
  const loose = looseGraph(raw);
  // A loop, not push(...): a big plan can have more issues than a call takes arguments.
  if (loose) for (const g of graphIssues(loose)) issues.push(g);
  return { ok: false, issues };
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The graph part of a raw plan, where its shape allows. A task without a string id is
 * `undefined` (left out of the checks); malformed dependencies and condition parts are
 * left out the same way, so the rest is still checked.
 */
function looseGraph(raw: unknown): (GraphTask | undefined)[] | null {
  const tasks = isRecord(raw) ? raw.tasks : undefined;
  if (!Array.isArray(tasks)) return null;
  return tasks.map((t: unknown) => {
    if (!isRecord(t) || !isStr(t.task_id)) return undefined;
    return {
      task_id: t.task_id,
      depends_on: Array.isArray(t.depends_on) ? t.depends_on.map((d) => (isStr(d) ? d : undefined)) : [],
      condition: looseCondition(t.condition),
    };
  });
}

function looseCondition(raw: unknown): GraphTask['condition'] {
  if (!isRecord(raw)) return undefined;
  const output = isRecord(raw.output)
    ? {
        task_id: isStr(raw.output.task_id) ? raw.output.task_id : undefined,
        matches: isStr(raw.output.matches) ? raw.output.matches : undefined,
      }
    : undefined;
  return { dependencies: isRecord(raw.dependencies) ? raw.dependencies : undefined, output };
}
