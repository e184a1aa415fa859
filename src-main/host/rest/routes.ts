import { z } from 'zod';
import type { WireError } from '../../../src-shared/contract/errors.ts';
import type { MethodName } from '../../../src-shared/contract/index.ts';
import { contract } from '../../../src-shared/contract/index.ts';
import { planJsonSchema } from '../../../src-shared/schemas/plan-json-schema.ts';
import type { RunDetail, RunStatus } from '../../../src-shared/schemas/run.ts';
import type { Dispatch } from '../../app/dispatch.ts';
import { bodyJsonSchema, invalidBody } from './request-body.ts';

export interface RouteArgs {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

export type RouteResult = { ok: true; value: unknown; status?: number } | { ok: false; error: WireError };

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  summary: string;
  tag: string;
  /** The request body's JSON Schema (OpenAPI; validation happens in the contract or the handler). */
  body?: () => Record<string, unknown>;
  /** Query parameters (OpenAPI). */
  query?: { name: string; required: boolean }[];
  handle(args: RouteArgs, dispatch: Dispatch): Promise<RouteResult>;
}

/** A route that is one contract method: path params, query and body merge into its input. */
function viaContract(
  method: 'GET' | 'POST',
  path: string,
  tag: string,
  summary: string,
  name: MethodName,
  opts: { body?: boolean; query?: string[] } = {},
): Route {
  const params = [...path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!);
  const input = contract[name].input as z.ZodObject;
  return {
    method,
    path,
    tag,
    summary,
    ...(opts.body
      ? {
          body: () =>
            bodyJsonSchema(
              z.object(Object.fromEntries(Object.entries(input.shape).filter(([k]) => !params.includes(k)))),
            ),
        }
      : {}),
    ...(opts.query
      ? { query: opts.query.map((name) => ({ name, required: !input.shape[name]!.isOptional() })) }
      : {}),
    handle: ({ params: p, query, body }, dispatch) =>
      dispatch(name, {
        ...(opts.body && isObject(body) ? body : {}),
        ...pick(query, opts.query ?? []),
        ...p,
      }),
  };
}

const seedTaskSchema = z.strictObject({
  title: z.string().max(200).optional(),
  command: z.string().max(100).optional(),
  user_message: z.string().min(3, 'describe the task in a few words').max(5_000),
  context: z.record(z.string(), z.unknown()).optional(),
});

/** The seeds' HTTP API, served by the browser-mode host with the same token. */
export const routes: Route[] = [
  {
    method: 'POST',
    path: '/api/modules/orchestrator/build',
    tag: 'orchestrator',
    summary:
      'Seed 000: execute a plan. Each ready task is delegated to its best-fit agent; answers with the delegations and the build_log memory id while the run goes on.',
    body: planJsonSchema,
    async handle({ body }, dispatch) {
      const imported = await dispatch('plans.import', { plan: body });
      if (!imported.ok) return imported;
      return dispatch('runs.start', { plan_id: (imported.value as { plan_id: string }).plan_id });
    },
  },
  viaContract(
    'GET',
    '/api/modules/memory/read',
    'memory',
    'Read a memory entry (e.g. a build_log) by id.',
    'memory.read',
    { query: ['memory_id'] },
  ),
  {
    method: 'POST',
    path: '/api/v1/tasks',
    tag: 'tasks',
    summary:
      'Seed 003: a task from a sentence. A simple request runs one task; a complex one becomes a parent run with subtasks in dependency order.',
    body: () => bodyJsonSchema(seedTaskSchema),
    async handle({ body }, dispatch) {
      const parsed = seedTaskSchema.safeParse(body);
      if (!parsed.success) return { ok: false, error: invalidBody(parsed.error) };
      const { title, command, user_message, context } = parsed.data;
      const draft = await dispatch('scope.draft', { goal: user_message });
      if (!draft.ok) return draft;
      const plan = (
        draft.value as { plan: { plan_id: string; name?: string; tasks: Record<string, unknown>[] } }
      ).plan;
      plan.plan_id = `${plan.plan_id.slice(0, 100)}-${Date.now().toString(36)}`;
      if (title) plan.name = title;
      if (context) for (const t of plan.tasks) t.inputs = { context, ...(command ? { command } : {}) };
      const imported = await dispatch('plans.import', { plan });
      if (!imported.ok) return imported;
      const started = await dispatch('runs.start', { plan_id: plan.plan_id });
      if (!started.ok) return started;
      const run = await dispatch('runs.get', { run_id: (started.value as { run_id: string }).run_id });
      return run.ok
        ? { ok: true, status: 201, value: seedTask(run.value as RunDetail, title, command) }
        : run;
    },
  },
  {
    method: 'GET',
    path: '/api/v1/tasks/:run_id',
    tag: 'tasks',
    summary: 'Seed 003: a task created by POST /api/v1/tasks, with its subtasks and results.',
    async handle({ params }, dispatch) {
      const run = await dispatch('runs.get', { run_id: params.run_id });
      return run.ok ? { ok: true, value: seedTask(run.value as RunDetail) } : run;
    },
  },
  viaContract(
    'GET',
    '/api/v1/agents/:agent_id/next-task',
    'agents (pull)',
    'Seed 004 selectNextTask: the best ready task this agent can take.',
    'work.selectNext',
    { query: ['run_id', 'plan_id', 'min_priority'] },
  ),
  viaContract(
    'GET',
    '/api/v1/agents/:agent_id/inbox',
    'agents (pull)',
    'Ready tasks this agent could take, and tasks it holds.',
    'work.inbox',
  ),
  viaContract(
    'GET',
    '/api/v1/agents/:agent_id/tasks/:run_id/:task_id/context',
    'agents (pull)',
    'Seed 004 prepareTaskContext: charter, task, dependencies with results, related tasks.',
    'work.context',
  ),
  viaContract(
    'POST',
    '/api/v1/agents/:agent_id/tasks/:run_id/:task_id/execute',
    'agents (pull)',
    'Seed 004 executeTask: take the task (blocked while dependencies are not met).',
    'work.execute',
  ),
  viaContract(
    'POST',
    '/api/v1/agents/:agent_id/tasks/:run_id/:task_id/progress',
    'agents (pull)',
    'Seed 004 updateTaskProgress: 0–100, a message and metadata.',
    'work.progress',
    { body: true },
  ),
  viaContract(
    'POST',
    '/api/v1/agents/:agent_id/tasks/:run_id/:task_id/complete',
    'agents (pull)',
    'Seed 004 completeTask: completed or failed, with output; unblocks dependents.',
    'work.complete',
    { body: true },
  ),
  viaContract(
    'GET',
    '/api/v1/agents/:agent_id/stats',
    'agents (pull)',
    'Seed 004 getAgentExecutionStats over an optional time range.',
    'work.stats',
    { query: ['start', 'end'] },
  ),
];

const SEED_STATUS: Record<RunStatus, 'IN_PROGRESS' | 'COMPLETED' | 'FAILED'> = {
  executing: 'IN_PROGRESS',
  completed: 'COMPLETED',
  failed: 'FAILED',
  cancelled: 'FAILED',
};

/** Seed 003's view of a run: a simple task, or a parent with subtasks. */
function seedTask(run: RunDetail, title?: string, command?: string) {
  const single = run.tasks.length === 1 ? run.tasks[0]! : null;
  return {
    id: run.id,
    title: title ?? run.plan_id,
    ...(command ? { command } : {}),
    kind: single ? 'simple' : 'orchestrated',
    status: SEED_STATUS[run.status],
    plan_id: run.plan_id,
    memory_id: run.memory_id,
    result: single?.output ?? null,
    subtasks: run.tasks.map((t) => ({
      task_id: t.task_id,
      status: t.status,
      assigned_agent: t.agent_id,
      result: t.output,
      error: t.error ?? (t.status === 'unassigned' || t.status === 'skipped' ? t.reason : null),
    })),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function pick(query: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => query[k] !== undefined).map((k) => [k, query[k]!]));
}
