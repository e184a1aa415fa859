import { formatPath } from '../../../src-shared/contract/errors.ts';
import type { LlmAgent } from '../../../src-shared/schemas/agent.ts';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { parsePlan } from '../../../src-shared/schemas/plan.ts';
import { planJsonSchema } from '../../../src-shared/schemas/plan-json-schema.ts';
import { AppError } from '../../base/errors.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { QuestionExecutor } from '../llm/ask.ts';
import { askLlmStructured } from '../llm/ask.ts';

function planningPrompt(goal: string, agents: { id: string; skills: string[] }[], planId: string): string {
  return [
    'Turn this goal into a plan: a DAG of tasks, each needing skills that the available agents have.',
    `Goal: ${goal}`,
    '',
    'Available agents and their skills:',
    ...agents.map((a) => `- ${a.id}: ${a.skills.join(', ') || '(no skills)'}`),
    '',
    `Use plan_id "${planId}". Keep tasks small; use depends_on when a task needs another's result.`,
    'Answer with one JSON object that validates against this JSON Schema, and nothing else:',
    JSON.stringify(planJsonSchema()),
  ].join('\n');
}

/**
 * The LLM planner: the model answers with a plan through the structured-output path a task's
 * `output_schema` takes (`askLlmStructured`: the plan JSON Schema as `response_format` where the
 * server takes it, the answer validated, a mismatch asked again once), then the plan is validated
 * like any imported plan (the graph rules JSON Schema cannot say). An answer that does not match
 * is an error naming the mismatch, never a broken plan.
 */
export async function draftPlanWithLlm(
  agent: LlmAgent,
  goal: string,
  opts: { plan_id: string; project_id?: string | undefined; agents: { id: string; skills: string[] }[] },
  deps: { executor: QuestionExecutor; secrets: SecretResolver },
): Promise<{ plan: PlanInput; notes: string[] }> {
  const answer = await askLlmStructured(
    agent,
    planningPrompt(goal, opts.agents, opts.plan_id),
    planJsonSchema(),
    deps,
  );
  if (!answer.ok)
    throw answer.error.startsWith('the answer')
      ? new AppError('invalid_input', `the planner's answer is not a plan: ${answer.error}`)
      : new AppError('unavailable', `the planner agent "${agent.id}" failed: ${answer.error}`);
  const raw = answer.value;
  if (raw && typeof raw === 'object' && opts.project_id)
    (raw as Record<string, unknown>).project_id ??= opts.project_id;
  const parsed = parsePlan(raw);
  if (!parsed.ok) {
    const issues = parsed.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    throw new AppError(
      'invalid_input',
      `the planner's plan is invalid: ${issues[0]!.path}: ${issues[0]!.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
      { issues },
    );
  }
  return {
    plan: raw as PlanInput,
    notes: [
      `Drafted by ${agent.id}${answer.cost > 0 ? ` (cost ${answer.cost})` : ''}: review before running.`,
    ],
  };
}
