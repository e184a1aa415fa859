import type { Trigger, TriggerCreated, TriggerIssue } from '../../schemas/trigger.ts';
import { githubIssuesTriggerInputSchema, triggerInputSchema } from '../../schemas/trigger.ts';
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
  /**
   * Makes a trigger that watches a workspace's GitHub repository: each open issue with the label
   * starts one run of the plan, ever, its title, body, number and address in the run inputs
   * `inputs_from` names. Refused naming the field: an unknown plan, a run input the plan does not
   * take (`github_issues.inputs_from.<what>`), a workspace without a GitHub forge.
   */
  'triggers.addGithubIssues': method(githubIssuesTriggerInputSchema).returns<Trigger>(),
  /** The issues a `github_issues` trigger started runs for, newest first, each with its run. */
  'triggers.issues': method(byId('trigger_id')).returns<TriggerIssue[]>(),
  'triggers.remove': method(byId('trigger_id')).returns<{ removed: boolean }>(),
};

export type TriggerHandlers = HandlersOf<typeof triggerMethods>;
