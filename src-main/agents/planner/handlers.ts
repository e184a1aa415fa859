import type { ScopeDraft, ScopeHandlers } from '../../../src-shared/contract/domains/scope.ts';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import { AppError } from '../../base/errors.ts';
import type { Executor } from '../../engine/executor.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { Store } from '../../store/store.ts';
import { draftPlanWithLlm } from './llm-planner.ts';
import { draftPlan } from './rule-planner.ts';
import { giveTaskInputs } from './task-inputs.ts';

/** What the planner's contract handlers are built from (the app's context has all of it). */
export interface PlannerHandlersContext {
  store: Store;
  /** The llm executor an llm planner agent is asked through; none: only the rules draft. */
  llm?: { executor: Executor; secrets: SecretResolver } | undefined;
}

/** `scope.draft`: a goal drafted into a plan by the rules, or by an llm planner agent. */
export function scopeHandlers({ store, llm }: PlannerHandlersContext): ScopeHandlers {
  return {
    'scope.draft': async ({ goal, plan_id, project_id, planner_agent_id, context }) => {
      const registered = store.agents.list();
      const rules = draftPlan(goal, {
        plan_id,
        project_id,
        agents: registered,
        taken: (id) => store.plans.summary(id) !== undefined,
      });
      if (!planner_agent_id) return withTaskInputs({ ...rules, planner: 'rules' }, registered, context);
      const agent = store.agents.get(planner_agent_id);
      if (!agent) throw new AppError('not_found', `planner agent "${planner_agent_id}" not found`);
      if (agent.kind !== 'llm')
        throw new AppError('invalid_input', `planner_agent_id: "${planner_agent_id}" is not an llm agent`);
      if (!llm) throw new AppError('unavailable', 'no llm executor is available');
      const agents = registered.map((a) => ({ id: a.id, skills: a.skills }));
      const drafted = await draftPlanWithLlm(
        agent,
        goal,
        { plan_id: rules.plan.plan_id, name: rules.plan.name ?? rules.plan.plan_id, project_id, agents },
        llm,
      );
      return withTaskInputs({ ...drafted, planner: 'llm' }, registered, context);
    },
  };
}

/** The draft with each task given the inputs its agents declare, and a note for each it could not give. */
function withTaskInputs(
  draft: Omit<ScopeDraft, 'missing_inputs'>,
  agents: readonly Agent[],
  context: Record<string, unknown> | undefined,
): ScopeDraft {
  const missing_inputs = giveTaskInputs(draft.plan.tasks, agents, context);
  return { ...draft, notes: [...draft.notes, ...missing_inputs.map((m) => m.message)], missing_inputs };
}
