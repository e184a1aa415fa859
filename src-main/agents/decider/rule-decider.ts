import type { Decision, DecisionContext } from '../../../src-shared/schemas/decision.ts';

/**
 * The default decider: follow the plan; escalate to a person when a task failed after its
 * retries or no agent could take it; when nothing is left, declare the project complete only
 * if every task succeeded (else wait: the run ends failed).
 */
export function decideByRules(ctx: DecisionContext): Decision {
  const t = ctx.completed_task;
  if (!t.success) {
    return {
      action: 'escalate_to_human',
      reasoning: `Task "${t.task_id}" ended ${t.status}${t.error ? ` (${t.error})` : ''}.`,
      urgency: 'high',
    };
  }
  if (ctx.queue.open === 0 && ctx.queue.unsuccessful > 0) {
    const n = ctx.queue.unsuccessful;
    return {
      action: 'wait_for_more_tasks',
      reasoning: `Nothing is left to run, but ${n} task${n === 1 ? '' : 's'} did not succeed (see the escalations): the run ends failed.`,
      urgency: 'normal',
    };
  }
  if (ctx.queue.open === 0) {
    return { action: 'project_complete', reasoning: 'Every task of the plan is done.', urgency: 'normal' };
  }
  return {
    action: 'wait_for_more_tasks',
    reasoning: `Following the plan: ${ctx.queue.open} task(s) still to go.`,
    urgency: 'normal',
  };
}
