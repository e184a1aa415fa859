import type { LlmAgent } from '../../src-shared/schemas/agent.ts';
import type { Decision, DecisionContext } from '../../src-shared/schemas/decision.ts';
import { decisionSchema } from '../../src-shared/schemas/decision.ts';
import type { Executor } from '../engine/executor.ts';
import { askLlm, extractJson } from '../llm/ask.ts';
import type { SecretResolver } from '../secrets.ts';

/** Seed 002's decision prompt: the goal, the completed task, outputs, history and agents. */
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
 * The LLM decider: asks the model, validates its JSON with the decision schema; an invalid
 * answer is retried once, then the decision is to escalate to a person.
 */
export async function decideByLlm(
  agent: LlmAgent,
  ctx: DecisionContext,
  deps: { executor: Executor; secrets: SecretResolver; signal?: AbortSignal },
): Promise<LlmDecision> {
  const problems: string[] = [];
  let cost = 0;
  const question = decisionPrompt(ctx);
  let prompt = question;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const answer = await askLlm(agent, prompt, deps);
    if (!answer.ok) {
      problems.push(`attempt ${attempt}: ${answer.error}`);
      continue;
    }
    cost += answer.cost;
    try {
      const parsed = decisionSchema.safeParse(extractJson(answer.text));
      if (parsed.success) return { decision: parsed.data, problems, cost };
      const issue = parsed.error.issues[0]!;
      problems.push(`attempt ${attempt}: ${issue.path.join('.') || '(answer)'}: ${issue.message}`);
    } catch (err) {
      problems.push(`attempt ${attempt}: ${(err as Error).message}`);
    }
    prompt = `${question}\n\nYour previous answer was invalid (${problems.at(-1)}). Answer with the JSON object only.`;
  }
  return {
    decision: {
      action: 'escalate_to_human',
      reasoning: `The decider model gave no valid decision (${problems.join('; ')}), so a person should decide.`,
      urgency: 'high',
    },
    problems,
    cost,
  };
}
