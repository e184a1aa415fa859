import { z } from 'zod';
import { formatPath } from '../../../src-shared/contract/errors.ts';
import type { LlmAgent } from '../../../src-shared/schemas/agent.ts';
import type { Decision, DecisionContext } from '../../../src-shared/schemas/decision.ts';
import { decisionSchema } from '../../../src-shared/schemas/decision.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { QuestionExecutor } from '../llm/ask.ts';
import { askLlmStructured } from '../llm/ask.ts';

/** The decision prompt: the goal, the completed task, outputs, history and agents. */
function decisionPrompt(ctx: DecisionContext): string {
  const t = ctx.completed_task;
  return [
    'You are the orchestrator of a project. A task just ended. Decide what happens next.',
    '',
    `Project goal: ${ctx.goal}`,
    `Phase: ${ctx.phase ?? 'unknown'}`,
    '',
    `Completed task: ${t.task_id} — ${t.description}`,
    `Agent: ${t.agent_id ?? 'none'}; status: ${t.status}; success: ${t.success}${t.error ? `; error: ${t.error}` : ''}`,
    '',
    'Agent outputs (first 500 characters each):',
    ...Object.entries(ctx.agent_outputs).map(([name, text]) => `--- ${name}\n${text}`),
    '',
    'Recent tasks (newest first):',
    ...ctx.history.map((h) => `- ${h.task_id}: ${h.status}${h.agent_id ? ` by ${h.agent_id}` : ''}`),
    '',
    `Queue: ${ctx.queue.ready} ready, ${ctx.queue.in_progress} in progress, ${ctx.queue.blocked} blocked, ${ctx.queue.awaiting_approval} awaiting approval.`,
    'Available agents:',
    ...ctx.agents.map((a) => `- ${a.id} (${a.kind}, ${a.status}): ${a.skills.join(', ')}`),
    '',
    'Answer with one JSON object and nothing else:',
    '{"action": "create_task" | "escalate_to_human" | "project_complete" | "wait_for_more_tasks",',
    ' "reasoning": "why this is the right decision",',
    ' "next_agent_type": "an agent id or a skill (create_task only)",',
    ' "task_description": "what the next task must do (create_task only)",',
    ' "context_to_pass": {"files_to_reference": ["..."], "key_information": "..."},',
    ' "urgency": "low" | "normal" | "high" | "critical"}',
  ].join('\n');
}

export interface LlmDecision {
  decision: Decision;
  /** What went wrong with the model's answers, when it had to be retried or overruled. */
  problems: string[];
  cost: number;
}

/**
 * The decision JSON as JSON Schema, for `response_format` and the check of the answer: made at
 * the first decision, not when Baton starts (~15 ms of every launch, and most never decide).
 */
let decisionJson: Record<string, unknown> | undefined;
const decisionJsonSchema = () =>
  (decisionJson ??= z.toJSONSchema(decisionSchema, { io: 'input', unrepresentable: 'any' }));

/**
 * The LLM decider: asks the model for a decision through the structured-output path a task's
 * `output_schema` takes (`askLlmStructured`: `response_format` where the server takes it, the
 * answer validated, a mismatch asked again once); an answer that still does not match, or a
 * model that fails, makes the decision to escalate to a person, naming what went wrong.
 */
export async function decideByLlm(
  agent: LlmAgent,
  ctx: DecisionContext,
  deps: { executor: QuestionExecutor; secrets: SecretResolver; signal?: AbortSignal },
): Promise<LlmDecision> {
  const answer = await askLlmStructured(agent, decisionPrompt(ctx), decisionJsonSchema(), deps);
  let problem: string;
  if (answer.ok) {
    // What JSON Schema cannot say (defaults filled in) is zod's to check.
    const parsed = decisionSchema.safeParse(answer.value);
    if (parsed.success) return { decision: parsed.data, problems: [], cost: answer.cost };
    const issue = parsed.error.issues[0]!;
    problem = `${formatPath(issue.path) || '(answer)'}: ${issue.message}`;
  } else problem = answer.error;
  return {
    decision: {
      action: 'escalate_to_human',
      reasoning: `The decider model gave no valid decision (${problem}), so a person should decide.`,
      urgency: 'high',
    },
    problems: [problem],
    cost: answer.cost,
  };
}
