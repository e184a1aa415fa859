import type { ScopeHandlers } from '../../src-shared/contract/domains.ts';
import { draftPlan } from '../scope/rule-planner.ts';
import type { AppContext } from './context.ts';

export function scopeHandlers(_ctx: AppContext): ScopeHandlers {
  return {
    'scope.draft': ({ goal, plan_id, project_id }) => ({
      ...draftPlan(goal, { plan_id, project_id }),
      planner: 'rules',
    }),
  };
}
