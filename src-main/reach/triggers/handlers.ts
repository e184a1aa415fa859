import type { TriggerHandlers } from '../../../src-shared/contract/domains/triggers.ts';
import { checkRunInputs } from '../../../src-shared/schemas/run-inputs.ts';
import { invalidInput } from '../../base/errors.ts';
import { randomIds } from '../../engine/clock.ts';
import type { Store } from '../../store/store.ts';
import type { Triggers } from './triggers.ts';

export function triggerHandlers(deps: {
  triggers: Triggers;
  store: Store;
  audit: (e: { entity_id: string; to: string; why: string }) => void;
}): TriggerHandlers {
  const { triggers } = deps;
  return {
    'triggers.list': () => triggers.repo.list().map((t) => triggers.shown(t)),
    'triggers.add': (input) => {
      const plan = deps.store.plans.get(input.plan_id);
      if (!plan)
        throw invalidInput('trigger', [{ path: 'plan_id', message: `plan "${input.plan_id}" not found` }]);
      // The trigger's own inputs must fit the plan as they are; a call may add the rest.
      const checked = checkRunInputs(plan.plan.run_inputs, input.inputs);
      const given = new Set(Object.keys(input.inputs).map((k) => `inputs.${k}`));
      const wrong = checked.ok ? [] : checked.issues.filter((i) => given.has(i.path));
      if (wrong.length > 0) throw invalidInput(`trigger for plan "${input.plan_id}"`, wrong);
      const created = triggers.create({
        id: input.id ?? randomIds.next('trg'),
        plan_id: input.plan_id,
        inputs: input.inputs,
        rate_per_minute: input.rate_per_minute,
      });
      deps.audit({
        entity_id: created.trigger.id,
        to: 'active',
        why: `trigger for plan "${input.plan_id}" at ${created.url} (${input.rate_per_minute} calls a minute)`,
      });
      return created;
    },
    'triggers.remove': ({ trigger_id }) => {
      const removed = triggers.remove(trigger_id);
      if (removed) deps.audit({ entity_id: trigger_id, to: 'removed', why: 'trigger removed' });
      return { removed };
    },
  };
}
