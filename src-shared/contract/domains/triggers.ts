import type { Trigger, TriggerCreated } from '../../schemas/trigger.ts';
import { triggerInputSchema } from '../../schemas/trigger.ts';
import { byId, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/**
 * Triggers in: `POST /api/triggers/<id>` with the trigger's own secret starts a run
 * of its plan. The secret is answered once, when the trigger is made; Baton keeps only its hash.
 */
export const triggerMethods = {
  'triggers.list': method(none).returns<Trigger[]>(),
  /**
   * Makes a trigger for a plan; answers its secret, URL and a curl example, once. Refused naming
   * the field: an unknown plan (`plan_id`), inputs the plan does not take (`inputs.<name>`).
   */
  'triggers.add': method(triggerInputSchema).returns<TriggerCreated>(),
  'triggers.remove': method(byId('trigger_id')).returns<{ removed: boolean }>(),
};

export type TriggerHandlers = HandlersOf<typeof triggerMethods>;
