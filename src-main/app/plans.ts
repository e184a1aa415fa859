import type { PlanHandlers } from '../../src-shared/contract/domains.ts';
import { parsePlan } from '../../src-shared/schemas/plan.ts';
import { AppError, invalidInput, toIssues } from '../errors.ts';
import type { AppContext } from './context.ts';

export function planHandlers({ store, bus, now }: AppContext): PlanHandlers {
  return {
    'plans.list': () => store.plans.list(),
    'plans.get': ({ plan_id }) => {
      const plan = store.plans.get(plan_id);
      if (!plan) throw new AppError('not_found', `plan "${plan_id}" not found`);
      return plan;
    },
    'plans.validate': ({ plan }) => {
      const parsed = parsePlan(plan);
      return parsed.ok ? { ok: true, issues: [] } : { ok: false, issues: toIssues(parsed.issues) };
    },
    'plans.import': ({ plan }) => {
      const parsed = parsePlan(plan);
      if (!parsed.ok) throw invalidInput('plan is invalid', toIssues(parsed.issues));
      const summary = store.tx(() => store.plans.save(parsed.plan, now()));
      bus.emit('plan.updated', summary);
      return summary;
    },
    'plans.delete': ({ plan_id }) => ({ deleted: store.tx(() => store.plans.delete(plan_id)) }),
  };
}
