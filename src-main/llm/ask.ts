import type { LlmAgent } from '../../src-shared/schemas/agent.ts';
import { taskSpecSchema } from '../../src-shared/schemas/plan.ts';
import type { Executor } from '../engine/executor.ts';
import type { SecretResolver } from '../secrets.ts';

export type Answer = { ok: true; text: string; cost: number } | { ok: false; error: string };

/**
 * Asks an `llm` agent one question through its executor (so retries, streaming, secrets,
 * redaction and the price table all apply). The agent's charter is the system prompt.
 */
export async function askLlm(
  agent: LlmAgent,
  question: string,
  deps: { executor: Executor; secrets: SecretResolver; signal?: AbortSignal },
): Promise<Answer> {
  const task = taskSpecSchema.parse({ task_id: 'question', description: question });
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
    if (ev.type === 'usage') cost += ev.cost;
    if (ev.type === 'error') return { ok: false, error: ev.message };
    if (ev.type === 'result') {
      const text = (ev.output as { text?: unknown } | null)?.text;
      return typeof text === 'string'
        ? { ok: true, text, cost }
        : { ok: false, error: 'the model returned no text' };
    }
  }
  return { ok: false, error: 'the model gave no answer' };
}

/** The first JSON object in a model's answer (models wrap JSON in prose or code fences). */
export function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const body = fenced ? fenced[1]! : text;
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start === -1 || end <= start) throw new Error('the answer holds no JSON object');
  return JSON.parse(body.slice(start, end + 1));
}
