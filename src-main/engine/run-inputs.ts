import type { Plan } from '../../src-shared/schemas/plan.ts';
import type { RunInputValues } from '../../src-shared/schemas/run-inputs.ts';
import { checkRunInputs } from '../../src-shared/schemas/run-inputs.ts';
import { invalidInput } from '../errors.ts';
import type { Db } from '../store/db.ts';

/**
 * A run's inputs (what schedules and triggers start runs with): checked against the plan's
 * `run_inputs` when the run starts, stored with the run (migration 007) in its first
 * transaction, and handed to every task as `inputs.run` each time the run is loaded (started,
 * resumed, re-run).
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

const statements = new WeakMap<Db, ReturnType<typeof prepare>>();
function prepare(db: Db) {
  return {
    insert: db.prepare('INSERT INTO run_inputs (run_id, inputs) VALUES (?, ?)'),
    get: db.prepare<[string], string>('SELECT inputs FROM run_inputs WHERE run_id = ?').pluck(),
  };
}
const sql = (db: Db) => {
  let s = statements.get(db);
  if (!s) {
    s = prepare(db);
    statements.set(db, s);
  }
  return s;
};

export function storeRunInputs(db: Db, runId: string, inputs: RunInputValues): void {
  if (Object.keys(inputs).length > 0) sql(db).insert.run(runId, JSON.stringify(inputs));
}

export function runInputsOf(db: Db, runId: string): RunInputValues | null {
  const raw = sql(db).get.get(runId) as string | undefined;
  return raw === undefined ? null : (JSON.parse(raw) as RunInputValues);
}
