import type { Plan } from '../../src-shared/schemas/plan.ts';
import type { RunInputValues } from '../../src-shared/schemas/run-inputs.ts';
import { checkRunInputs } from '../../src-shared/schemas/run-inputs.ts';
import { invalidInput } from '../base/errors.ts';

/**
 * A run's inputs: checked against the plan's `run_inputs` when the run starts, stored with the run
 * in its first transaction (`store.runInputs`), and handed to every task as `inputs.run` each
 * time the run is loaded (started, resumed, re-run).
 */
export function checkedRunInputs(plan: Plan, given: RunInputValues | undefined): RunInputValues {
  if (!plan.run_inputs && (!given || Object.keys(given).length === 0)) return {};
  const checked = checkRunInputs(plan.run_inputs, given ?? {});
  if (!checked.ok) throw invalidInput(`plan "${plan.plan_id}" cannot run with these inputs`, checked.issues);
  return checked.values;
}

/** The plan as the run's tasks see it: each task's `inputs.run` holds the run's inputs. */
export function withRunInputs(plan: Plan, inputs: RunInputValues | null): Plan {
  if (!plan.run_inputs && (!inputs || Object.keys(inputs).length === 0)) return plan;
  const run = inputs ?? {};
  return { ...plan, tasks: plan.tasks.map((t) => ({ ...t, inputs: { ...t.inputs, run } })) };
}
