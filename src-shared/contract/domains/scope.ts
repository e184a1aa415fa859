import { z } from 'zod';
import { idSchema } from '../../schemas/common.ts';
import type { PlanInput } from '../../schemas/plan.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export interface ScopeDraft {
  plan: PlanInput;
  notes: string[];
  planner: 'rules' | 'llm';
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
    }),
  ).returns<ScopeDraft>(),
};

export type ScopeHandlers = HandlersOf<typeof scopeMethods>;
