import { z } from 'zod';
import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { QUESTION_SCHEMAS } from '../../../src-shared/contract/domains/inbox.ts';
import type { MissingTaskInput } from '../../../src-shared/contract/domains/scope.ts';
import { heldAttemptSchema } from '../../../src-shared/contract/domains/workers.ts';
import type { WireError } from '../../../src-shared/contract/errors.ts';
import { ContractError, firstIssueText } from '../../../src-shared/contract/errors.ts';
import type { MethodInput, MethodName } from '../../../src-shared/contract/index.ts';
import { contract } from '../../../src-shared/contract/index.ts';
import type { AskKind } from '../../../src-shared/schemas/approval.ts';
import { taskInputsSchema } from '../../../src-shared/schemas/free-json.ts';
import type { RunStatus } from '../../../src-shared/schemas/plain/run.ts';
import { planJsonSchema } from '../../../src-shared/schemas/plan-json-schema.ts';
import type { RunDetail } from '../../../src-shared/schemas/run.ts';
import { importAndStart } from './import-and-start.ts';
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
  /**
   * Part of the worker API: a worker token opens it (besides the UI token). `agent`: only for an
   * agent a worker registered (`:agent_id` is a worker's), never one of Baton's own or a person.
   */
  worker?: 'worker' | 'agent';
  /** Answers through the typed contract client (the app in this process); a failed call is its wire error. */
  handle(args: RouteArgs, client: BatonClient): Promise<RouteResult>;
}

/** What a route's calls come to: their value (with `status`), or the error one of them failed with. */
async function answer(calls: () => Promise<unknown>, status?: number): Promise<RouteResult> {
  try {
    const value = await calls();
    return status === undefined ? { ok: true, value } : { ok: true, value, status };
  } catch (err) {
    if (!(err instanceof ContractError)) throw err;
    const { code, message, details } = err;
    return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
  }
}

/** A route that is one contract method: path params, query and body merge into its input. */
function viaContract<K extends MethodName>(
  method: 'GET' | 'POST',
  path: string,
  tag: string,
  summary: string,
  name: K,
  opts: {
    body?: boolean;
    query?: string[];
    /** Query values that are not strings in the contract (a list, a number), read from their text. */
    read?: Record<string, (text: string) => unknown>;
    /** Opened by a worker token too (Route.worker). */
    worker?: 'worker' | 'agent';
  } = {},
): Route {
  const params = [...path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!);
  const input = contract[name].input as z.ZodObject;
  return {
    method,
    path,
    tag,
    summary,
    ...(opts.worker ? { worker: opts.worker } : {}),
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
    handle: ({ params: p, query, body }, client) => {
      // Strings and raw JSON from the request: the contract validates them as it does every
      // call's input, and a bad one comes back as invalid_input naming the field.
      const fromQuery: Record<string, unknown> = pick(query, opts.query ?? []);
      for (const [k, read] of Object.entries(opts.read ?? {}))
        if (typeof fromQuery[k] === 'string') fromQuery[k] = read(fromQuery[k]);
      const input = { ...(opts.body && isObject(body) ? body : {}), ...fromQuery, ...p };
      return answer(() => client.invoke(name, input as MethodInput<K>));
    },
  };
}

/**
 * A worker's question of one kind (`…/tool-calls`, `…/merge-conflicts`): the body is the attempt
 * and the question's fields, the path names the worker and the task; asked through `inbox.ask`,
 * as every asker asks.
 */
function askRoute(segment: string, kind: AskKind, summary: string): Route {
  const { kind: _kind, ...fields } = QUESTION_SCHEMAS[kind].shape;
  return {
    method: 'POST',
    path: `/api/v1/workers/:worker_id/tasks/:run_id/:task_id/${segment}`,
    tag: 'workers',
    summary,
    worker: 'worker',
    body: () => bodyJsonSchema(z.object({ attempt: heldAttemptSchema.shape.attempt, ...fields })),
    handle: ({ params, body }, client) => {
      // The contract validates it as every call's input; a bad field comes back naming it.
      const { attempt, ...question }: Record<string, unknown> = isObject(body) ? body : {};
      const input: Record<string, unknown> = { ...params, attempt, question: { ...question, kind } };
      return answer(() => client.invoke('inbox.ask', input as MethodInput<'inbox.ask'>));
    },
  };
}

const seedTaskSchema = z.strictObject({
  title: z.string().max(200).optional(),
  command: z.string().max(100).optional(),
  user_message: z.string().min(3, 'describe the task in a few words').max(5_000),
  context: taskInputsSchema.optional(),
});

/** The REST API, served by the browser-mode host with the same token. */
export const routes: Route[] = [
  {
    method: 'POST',
    path: '/api/modules/orchestrator/build',
    tag: 'orchestrator',
    summary:
      'Build: execute a plan. Each ready task is delegated to its best-fit agent; answers with the delegations and the build_log memory id while the run goes on.',
    body: planJsonSchema,
    handle: ({ body }, client) =>
      answer(async () => {
        // The build response: the delegations and ids, not the run screen's extras.
        const { status, delegated_tasks, memory_id, run_id } = await importAndStart(client, body, 'api');
        return { status, delegated_tasks, memory_id, run_id };
      }),
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
      'A task from a sentence. A simple request runs one task; a complex one becomes a parent run with subtasks in dependency order.',
    body: () => bodyJsonSchema(seedTaskSchema),
    async handle({ body }, client) {
      const parsed = seedTaskSchema.safeParse(body);
      if (!parsed.success) return { ok: false, error: invalidBody(parsed.error) };
      const { title, command, user_message, context } = parsed.data;
      return answer(async () => {
        const { plan, missing_inputs } = await client.invoke('scope.draft', {
          goal: user_message,
          ...(context ? { context } : {}),
        });
        // A task whose agent cannot do without an input the request does not give would only
        // fail: refuse the request before anything is written.
        if (missing_inputs.length > 0) throw new ContractError(missingInputs(missing_inputs));
        plan.plan_id = `${plan.plan_id.slice(0, 100)}-${Date.now().toString(36)}`;
        if (title) plan.name = title;
        if (context)
          for (const t of plan.tasks) t.inputs = { ...t.inputs, context, ...(command ? { command } : {}) };
        const { run } = await importAndStart(client, plan, 'api');
        return seedTask(run, plan.tasks, title, command);
      }, 201);
    },
  },
  {
    method: 'GET',
    path: '/api/v1/tasks/:run_id',
    tag: 'tasks',
    summary: 'A task created by POST /api/v1/tasks, with its subtasks and results.',
    handle: ({ params }, client) =>
      answer(async () => {
        const run = await client.invoke('runs.get', { run_id: params.run_id! });
        return seedTask(run, await planTasks(client, run));
      }),
  },
  viaContract(
    'GET',
    '/api/v1/agents/:agent_id/next-task',
    'agents (pull)',
    'Pull API, select the next task: the best ready task this agent can take (require_tags: comma-separated; limit: up to that many in `tasks`; wait_s: long-poll up to that many seconds for one).',
    'work.selectNext',
    {
      worker: 'agent',
      query: ['run_id', 'plan_id', 'min_priority', 'require_tags', 'limit', 'wait_s'],
      read: {
        require_tags: (t) => t.split(',').filter(Boolean),
        limit: (t) => (/^\d+$/.test(t) ? Number(t) : t),
        wait_s: (t) => (/^\d+(\.\d+)?$/.test(t) ? Number(t) : t),
      },
    },
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
    'Pull API, the task context: charter, task, dependencies with results, related tasks.',
    'work.context',
    { worker: 'agent' },
  ),
  viaContract(
    'POST',
    '/api/v1/agents/:agent_id/tasks/:run_id/:task_id/execute',
    'agents (pull)',
    'Pull API, execute: take the task (blocked while dependencies are not met).',
    'work.execute',
    { worker: 'agent' },
  ),
  viaContract(
    'POST',
    '/api/v1/agents/:agent_id/tasks/:run_id/:task_id/progress',
    'agents (pull)',
    'Pull API, progress: 0–100, a message and metadata.',
    'work.progress',
    { body: true, worker: 'agent' },
  ),
  viaContract(
    'POST',
    '/api/v1/agents/:agent_id/tasks/:run_id/:task_id/complete',
    'agents (pull)',
    'Pull API, complete: completed or failed, with output; unblocks dependents.',
    'work.complete',
    { body: true, worker: 'agent' },
  ),
  viaContract(
    'POST',
    '/api/v1/agents/:agent_id/tasks/:run_id/:task_id/give-back',
    'agents (pull)',
    'Pull API, give back: the agent (a person or a daemon) gives a task it holds back to the queue for someone else; its attempt ends as given back, not failed, and uses none of the retries (actor, note: recorded in the audit log).',
    'work.giveBack',
    { body: true, worker: 'agent' },
  ),
  viaContract(
    'GET',
    '/api/v1/people/tasks',
    'people',
    "Everyone's tasks: the people (human agents), every task waiting for one of them (with who could take it, since when), and every task one holds.",
    'work.team',
  ),
  viaContract(
    'POST',
    '/api/v1/people/:to_agent_id/tasks/:run_id/:task_id/assign',
    'people',
    "Reassign: a task waiting for a person, or held by one, handed to this person (a human agent with its skills); theirs at once, the holder's attempt given back (actor, note: recorded in the audit log).",
    'work.reassign',
    { body: true },
  ),
  viaContract(
    'POST',
    '/api/v1/workers/:worker_id/register',
    'workers',
    'A remote worker (baton worker) registers its agents as its own: Baton never runs them, the worker pulls their tasks.',
    'workers.register',
    { body: true, worker: 'worker' },
  ),
  viaContract(
    'POST',
    '/api/v1/workers/:worker_id/claim',
    'workers',
    "The worker's exchange: the results of attempts it finished (each with its attempt and lease, the fencing token: a late one is refused, with why), then up to `slots[agent]` tasks for each of its agents, taken in one transaction (concurrent workers get different tasks), each with its context and a new lease. wait_s: with nothing to hand out, wait up to that many seconds for a task.",
    'workers.claim',
    { body: true, worker: 'worker' },
  ),
  viaContract(
    'POST',
    '/api/v1/workers/:worker_id/heartbeat',
    'workers',
    'The worker is alive and holds these attempts: their leases are renewed; the answer names those it must drop.',
    'workers.heartbeat',
    { body: true, worker: 'worker' },
  ),
  viaContract(
    'POST',
    '/api/v1/workers/:worker_id/tasks/:run_id/:task_id/events',
    'workers',
    "Progress, log lines, usage and steps of an attempt the worker holds (renews its lease; refused with drop when it is not the worker's).",
    'workers.report',
    { body: true, worker: 'worker' },
  ),
  askRoute(
    'tool-calls',
    'tool_call',
    "A tool call of an attempt the worker holds, asked in the approvals inbox (its agent's policy says ask): the approval id, and the decision if made (answers with drop when the attempt is not the worker's).",
  ),
  viaContract(
    'POST',
    '/api/v1/workers/:worker_id/tasks/:run_id/:task_id/tool-calls/:approval_id/wait',
    'workers',
    "Waits up to wait_ms for a person's decision on a tool call the worker's attempt asked about: the verdict, or null (drop when the attempt is no longer the worker's).",
    'inbox.wait',
    { body: true, worker: 'worker' },
  ),
  askRoute(
    'merge-conflicts',
    'merge_conflict',
    "A merge conflict in the worktree of a coding attempt the worker holds (on_conflict ask), asked in the approvals inbox: the approval id, and the answer if made (drop when the attempt is not the worker's).",
  ),
  viaContract(
    'POST',
    '/api/v1/workers/:worker_id/tasks/:run_id/:task_id/merge-conflicts/:approval_id/wait',
    'workers',
    "Waits up to wait_ms for a person's answer to a merge conflict the worker's attempt asked about: resolved or not, or null (drop when the attempt is no longer the worker's).",
    'inbox.wait',
    { body: true, worker: 'worker' },
  ),
  askRoute(
    'sandbox-hosts',
    'sandbox_host',
    "A host the sandbox refused a process of an attempt the worker holds (its policy says unlisted: ask), asked in the approvals inbox once per workspace or agent and host: the approval id, and the answer if made. Nothing waits for it: allowed, later attempts there get the host in their context's sandbox_hosts.",
  ),
  viaContract(
    'POST',
    '/api/v1/workers/:worker_id/leave',
    'workers',
    'The worker stops: the attempts it gives back are queued again as new attempts.',
    'workers.leave',
    { body: true, worker: 'worker' },
  ),
  viaContract(
    'GET',
    '/api/v1/workers',
    'workers',
    'Workers, their agents and their task leases.',
    'workers.list',
  ),
  viaContract(
    'GET',
    '/api/v1/agents/:agent_id/stats',
    'agents (pull)',
    "Pull API, stats: the agent's execution statistics (attempts, success rate, average time) over an optional time range.",
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

/** The tasks of the plan version a run runs (none when that plan was deleted since). */
async function planTasks(client: BatonClient, run: RunDetail): Promise<TaskDeps[]> {
  try {
    const stored = await client.invoke('plans.get', { plan_id: run.plan_id, version: run.plan_version });
    return stored.plan.tasks;
  } catch (err) {
    if (err instanceof ContractError && err.code === 'not_found') return [];
    throw err;
  }
}

/** The request refused: every required task input the draft could not give, the first in the message. */
function missingInputs(missing: readonly MissingTaskInput[]): WireError {
  const issues = missing.map((m) => ({ path: 'user_message', message: m.message }));
  return { code: 'invalid_input', message: firstIssueText(issues), details: { issues } };
}

type TaskDeps = { task_id: string; depends_on?: string[] | undefined };

/**
 * A run as POST /api/v1/tasks shows it: a simple task, or a parent with subtasks (each with what
 * it depends on).
 */
function seedTask(run: RunDetail, tasks: readonly TaskDeps[], title?: string, command?: string) {
  const depends = new Map([...tasks, ...run.added_tasks].map((t) => [t.task_id, t.depends_on ?? []]));
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
      depends_on: depends.get(t.task_id) ?? [],
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
