import type { SkillMatch } from '../../../src-shared/contract/domains/scope.ts';
import { formatPath } from '../../../src-shared/contract/errors.ts';
import type { LlmAgent } from '../../../src-shared/schemas/agent.ts';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { parsePlan } from '../../../src-shared/schemas/plan.ts';
import { planJsonSchema } from '../../../src-shared/schemas/plan-json-schema.ts';
import { AppError, invalidInput } from '../../base/errors.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { QuestionExecutor } from '../llm/ask.ts';
import { askLlmStructured } from '../llm/ask.ts';
import type { SkilledAgent } from './agent-skills.ts';
import { matchSkill, matchText, wantedFor } from './skill-matcher.ts';

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
  opts: {
    plan_id: string;
    /** The name the rules gave the goal, for a plan the model left unnamed. */
    name: string;
    project_id?: string | undefined;
    agents: { id: string; skills: string[] }[];
  },
  deps: { executor: QuestionExecutor; secrets: SecretResolver },
): Promise<{ plan: PlanInput; notes: string[]; matches: SkillMatch[] }> {
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
    throw invalidInput("the planner's plan is invalid", issues);
  }
  // The id the rules made unique among the stored plans, whatever the model answered.
  const plan: PlanInput = { ...(raw as PlanInput), plan_id: opts.plan_id };
  plan.name ||= opts.name;
  const checked = checkSkills(plan, opts.agents);
  return {
    plan: checked.plan,
    notes: [
      `Drafted by ${agent.id}${answer.cost > 0 ? ` (cost ${answer.cost})` : ''}: review before running.`,
      ...checked.notes,
    ],
    matches: checked.matches,
  };
}

/**
 * A drafted plan's skills checked as the rule planner's are: each one no registered agent has is
 * replaced by the name an agent has for it or the closest skill an agent has, or taken off and
 * said so, so the draft never asks for a skill no agent has.
 */
export function checkSkills(
  plan: PlanInput,
  agents: readonly SkilledAgent[],
): { plan: PlanInput; notes: string[]; matches: SkillMatch[] } {
  const notes: string[] = [];
  const matches: SkillMatch[] = [];
  if (agents.length === 0) return { plan, notes, matches };
  const tasks = plan.tasks.map((t) => {
    const skills: string[] = [];
    for (const asked of t.required_skills ?? []) {
      const m = matchSkill(wantedFor(asked), agents);
      const match: SkillMatch = { task_id: t.task_id, asked, ...m };
      matches.push(match);
      if (m.skill && !skills.includes(m.skill)) skills.push(m.skill);
      if (m.how === 'alias' || m.how === 'closest')
        notes.push(`${t.task_id}: the planner asked for ${asked}, which no agent has: ${matchText(match)}.`);
      if (m.how === 'none')
        notes.push(
          `${t.task_id}: the planner asked for ${asked}, which no registered agent has, nor anything close: taken off; pick a skill an agent has, or register an agent that has it.`,
        );
    }
    return { ...t, required_skills: skills };
  });
  return { plan: { ...plan, tasks }, notes, matches };
}
