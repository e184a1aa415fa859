import { z } from 'zod';
import { idSchema } from '../../schemas/common.ts';
import { boundedRecordSchema } from '../../schemas/free-json.ts';
import type { PlanInput } from '../../schemas/plan.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/** A required input a drafted task's agents declare (`task_inputs`) that the goal and context do not give. */
export interface MissingTaskInput {
  task_id: string;
  /** The input's name: the task's `inputs.<input>`. */
  input: string;
  /** The agents that could take the task and need it. */
  agents: string[];
  message: string;
}

/**
 * How a drafted task got its skill: `exact` an agent has the very skill; `alias` an agent has it
 * under another name ("email" for writing); `closest` the most alike skill an agent has ("mail"
 * for writing); `none` no agent has anything close, so the task is given none (never a skill no
 * agent has); `general` no agent is registered yet, so Baton's general name is used.
 */
export const SKILL_MATCH_KINDS = ['exact', 'alias', 'closest', 'none', 'general'] as const;
export type SkillMatchKind = (typeof SKILL_MATCH_KINDS)[number];

export interface SkillMatch {
  task_id: string;
  /** What the goal asks for (its verb: "write"), or the skill an llm planner named. */
  asked: string;
  /** The skill the task is given; null when no agent has anything close. */
  skill: string | null;
  how: SkillMatchKind;
  /** The agents that have `skill`. */
  agents: string[];
}

/** A match in words, as the draft's notes and the new-plan dialog say it. */
export function skillMatchText(m: Pick<SkillMatch, 'asked' | 'skill' | 'how' | 'agents'>): string {
  const by =
    m.agents.length > 0 ? ` (${m.agents.slice(0, 3).join(', ')}${m.agents.length > 3 ? ', …' : ''})` : '';
  switch (m.how) {
    case 'exact':
      return `${m.asked} → ${m.skill}${by}`;
    case 'alias':
      return `${m.asked} → ${m.skill}: what an agent calls it${by}`;
    case 'closest':
      return `${m.asked} → ${m.skill}: the closest skill an agent has${by}`;
    case 'general':
      return `${m.asked} → ${m.skill}: Baton's general name (no agents yet)`;
    case 'none':
      return `${m.asked}: no agent has anything close`;
  }
}

export interface ScopeDraft {
  plan: PlanInput;
  notes: string[];
  planner: 'rules' | 'llm';
  /** How each task got its skill, for the person to check before the plan is created. */
  matches: SkillMatch[];
  /** Required task inputs the draft could not give: its tasks would fail as they are. */
  missing_inputs: MissingTaskInput[];
}

/** Scope: a goal sentence becomes a draft plan the user reviews before running it. */
export const scopeMethods = {
  'scope.draft': method(
    z.strictObject({
      goal: z.string().min(3, 'describe the goal in a few words').max(5_000),
      plan_id: idSchema.optional(),
      project_id: idSchema.optional(),
      /** An `llm` agent to plan with; the rule-based planner otherwise. */
      planner_agent_id: z.string().max(200).optional(),
      /**
       * What the request knows besides the sentence: a task gets the inputs its agents declare
       * from here by name first, then from its step of the goal.
       */
      context: boundedRecordSchema.optional(),
    }),
  ).returns<ScopeDraft>(),
};

export type ScopeHandlers = HandlersOf<typeof scopeMethods>;
