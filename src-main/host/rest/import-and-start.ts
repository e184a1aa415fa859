import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { ContractError } from '../../../src-shared/contract/errors.ts';

/**
 * The run inputs a plan requires with no default, by name: what a route that takes a plan and
 * starts it at once cannot give (it takes the plan, not the run's inputs).
 */
function requiredInputs(plan: unknown): string[] {
  const declared = (plan as { run_inputs?: unknown } | null)?.run_inputs;
  if (declared === null || typeof declared !== 'object' || Array.isArray(declared)) return [];
  return Object.entries(declared).flatMap(([name, d]) => {
    const input = d as { required?: unknown; default?: unknown } | null;
    return input?.required === true && input.default === undefined ? [name] : [];
  });
}

/**
 * Imports a plan and starts a run of its latest version, or does neither: a plan that requires
 * run inputs is refused before anything is written (naming `run_inputs.<name>`: start it with
 * `runs.start` and its `inputs` instead), and a plan the call created is removed again when its
 * run cannot start. The REST routes that take a plan and run it at once go through here.
 */
export async function importAndStart(client: BatonClient, plan: unknown, actor: string) {
  const needed = requiredInputs(plan);
  if (needed.length > 0) {
    const message =
      'is required, and this route starts the run with no inputs: start it with runs.start and its inputs';
    throw new ContractError({
      code: 'invalid_input',
      message: `run_inputs.${needed[0]}: ${message}`,
      details: { issues: needed.map((name) => ({ path: `run_inputs.${name}`, message })) },
    });
  }
  const id = (plan as { plan_id?: unknown } | null)?.plan_id;
  const existed =
    typeof id === 'string' &&
    (await client.invoke('plans.get', { plan_id: id }).then(
      () => true,
      () => false,
    ));
  const imported = await client.invoke('plans.import', { plan });
  try {
    return await client.invoke('runs.start', { plan_id: imported.plan_id, actor });
  } catch (err) {
    if (!existed) await client.invoke('plans.delete', { plan_id: imported.plan_id, actor }).catch(() => {});
    throw err;
  }
}
