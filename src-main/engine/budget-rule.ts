import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { approvedKey } from './approvals/kinds.ts';
import type { BudgetLedger, Payer } from './budget.ts';
import type { DailyCaps } from './daily-caps.ts';
import type { KindTraits } from './kind-traits.ts';
import type { ActiveRun, InFlight } from './run-state.ts';
import type { Runtime } from './runtime.ts';

/**
 * One rule for every agent that thinks in model turns (an `llm` agent's tool loop, a coding CLI
 * behind its metering endpoint): before each model turn it asks whether the plan's or its
 * project's budget is used up — what the budget's runs were charged, plus what their attempts
 * running now have spent (this one's `spent` as it says, the others' usage steps stored so far),
 * reaches the budget, or whether its agent or its plan has spent its daily cap (`DailyCaps`: the day's usage
 * steps, this attempt's included as they are stored). The first reason given is kept on the attempt's flight: when the attempt
 * then ends in failure, its task waits for a person's approval of kind `budget`
 * (`TaskFlow.complete`), as a task that would pass the budget does before it starts.
 *
 * Agents that report their cost only when they end (command, http) cannot be stopped mid-way:
 * their spend is charged at the end, and the next task waits. Null: the agent's kind has no model
 * turns (`KindTraits.thinksInTurns`), no budget holds the task, or a person approved passing it.
 */
export function budgetRule(
  rt: Runtime,
  budget: BudgetLedger,
  daily: DailyCaps,
  run: ActiveRun,
  task: TaskRun,
  agent: Agent,
  kind: KindTraits,
  flight: InFlight,
): ((spent: number) => string | null) | null {
  if (!kind.thinksInTurns) return null;
  if (run.approved.has(approvedKey('budget', task.task_id))) return null;
  const projectId = run.plan.project_id;
  const projectBudget = projectId ? rt.store.projects.get(projectId)?.budget : null;
  const budgeted = (run.plan.budget ?? null) !== null || (projectBudget ?? null) !== null;
  const capped = agent.daily_cap !== undefined || daily.planCapped(run.plan);
  if (!budgeted && !capped) return null;
  return (spent) => {
    const why =
      (budgeted ? budget.usedUp(run, running(rt, run, task.task_id, spent)) : null) ??
      (capped ? (daily.spentWhy(agent) ?? daily.planSpentWhy(run.plan)) : null);
    if (why !== null) flight.budgetStop ??= why;
    return why;
  };
}

/** What the attempts running now spent and were not charged yet: this one's `own`, the others' stored usage. */
function* running(
  rt: Runtime,
  asking: ActiveRun,
  taskId: string,
  own: number,
): Generator<{ payer: Payer; spent: number }> {
  yield { payer: asking, spent: own };
  for (const r of rt.active.values())
    for (const [id, spent] of r.usage) {
      if (r === asking && id === taskId) continue;
      if (r.tasks.get(id)?.status === 'in_progress') yield { payer: r, spent };
    }
}
