import type { LlmAgent } from '../../../src-shared/schemas/agent.ts';
import type { TaskSpec } from '../../../src-shared/schemas/plan.ts';
import { taskSpecSchema } from '../../../src-shared/schemas/plan.ts';
import type { Step } from '../../../src-shared/schemas/step.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';

/**
 * What a question needs of the llm kind's executor: to start one task and tell how it went. The
 * engine's `Executor` (`engine/executor.ts`) is one as it stands; this narrower view lets the
 * deciders and the planner, which the engine calls, ask without knowing the engine.
 */
export interface QuestionExecutor {
  start(ctx: QuestionContext, signal: AbortSignal): AsyncIterable<QuestionEvent>;
}

/** The task context of a question: a `TaskContext` of an llm agent with no run, dependencies or workspace around it. */
export interface QuestionContext {
  run_id: string;
  plan_id: string;
  project_id: null;
  task: TaskSpec;
  attempt: number;
  delegation_task_id: string;
  agent: LlmAgent;
  dependencies: [];
  workspace: string;
  secrets: SecretResolver;
}

/** An executor's events as a question reads them: what it cost, and its answer or error; the rest passes by. */
export type QuestionEvent =
  | { type: 'usage'; cost: number }
  | { type: 'step'; step: Step }
  | { type: 'result'; output: unknown }
  | { type: 'error'; message: string }
  | { type: 'progress' | 'log' | 'artifact' | 'session' };

/** A structured answer: the JSON value that matched the schema, or why none did. */
export type StructuredAnswer =
  | { ok: true; value: unknown; cost: number }
  | { ok: false; error: string; cost: number };

/**
 * Asks an `llm` agent a question whose answer must match a JSON Schema, through the same path as
 * a task's `output_schema` (the tool loop, `loop/`): the schema goes to the server
 * as `response_format` where it takes one, the answer is validated, a mismatch is asked again
 * once, then it is an error naming the mismatch. The agent's own tools are not offered: a
 * question to the decider or planner is answered from what the prompt says.
 */
export async function askLlmStructured(
  agent: LlmAgent,
  question: string,
  schema: Record<string, unknown>,
  deps: { executor: QuestionExecutor; secrets: SecretResolver; signal?: AbortSignal },
): Promise<StructuredAnswer> {
  // The question is no plan task: it is checked as one (its output_schema bounded, defaults
  // filled in) but for the description's limit, which a decision prompt holding a long task's
  // own description (up to 20,000 characters) and its outputs may pass.
  const task = {
    ...taskSpecSchema.parse({ task_id: 'question', description: '', output_schema: schema }),
    description: question,
  };
  const asked = await ask({ ...agent, tools: [], tool_policy: [] }, task, deps);
  if (!asked.ok)
    return {
      ok: false,
      error: asked.error.replace("the task's output_schema", 'the required JSON Schema'),
      cost: asked.cost,
    };
  return { ok: true, value: asked.output, cost: asked.cost };
}

/**
 * One question as a task of the agent's executor (so retries, streaming, secrets, redaction and
 * the price table all apply; the agent's charter is the system prompt): its result's output, or
 * its error, and what it cost either way.
 */
async function ask(
  agent: LlmAgent,
  task: TaskSpec,
  deps: { executor: QuestionExecutor; secrets: SecretResolver; signal?: AbortSignal },
): Promise<{ ok: true; output: unknown; cost: number } | { ok: false; error: string; cost: number }> {
  let cost = 0;
  const events = deps.executor.start(
    {
      run_id: 'question',
      plan_id: 'question',
      project_id: null,
      task,
      attempt: 1,
      delegation_task_id: 'question',
      agent,
      dependencies: [],
      workspace: '',
      secrets: deps.secrets,
    },
    deps.signal ?? new AbortController().signal,
  );
  for await (const ev of events) {
    // A single completion reports usage; the tool loop prices each model turn in a usage step.
    if (ev.type === 'usage') cost += ev.cost;
    if (ev.type === 'step' && ev.step.kind === 'usage') cost += ev.step.cost_usd ?? 0;
    if (ev.type === 'error') return { ok: false, error: ev.message, cost };
    if (ev.type === 'result') return { ok: true, output: ev.output, cost };
  }
  return { ok: false, error: 'the model gave no answer', cost };
}
