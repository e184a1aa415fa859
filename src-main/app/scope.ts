import type { ScopeHandlers } from '../../src-shared/contract/domains/scope.ts';
import { AppError } from '../errors.ts';
import { draftPlanWithLlm } from '../scope/llm-planner.ts';
import { draftPlan } from '../scope/rule-planner.ts';
import type { AppContext } from './context.ts';

export function scopeHandlers({ store, llm }: AppContext): ScopeHandlers {
  return {
    'scope.draft': async ({ goal, plan_id, project_id, planner_agent_id }) => {
      const rules = draftPlan(goal, { plan_id, project_id, agents: store.agents.list() });
      if (!planner_agent_id) return { ...rules, planner: 'rules' };
      const agent = store.agents.get(planner_agent_id);
      if (!agent) throw new AppError('not_found', `planner agent "${planner_agent_id}" not found`);
      if (agent.kind !== 'llm')
        throw new AppError('invalid_input', `planner_agent_id: "${planner_agent_id}" is not an llm agent`);
      if (!llm) throw new AppError('unavailable', 'no llm executor is available');
      const agents = store.agents.list().map((a) => ({ id: a.id, skills: a.skills }));
      const drafted = await draftPlanWithLlm(
        agent,
        goal,
        { plan_id: rules.plan.plan_id, project_id, agents },
        llm,
      );
      return { ...drafted, planner: 'llm' };
    },
  };
}
