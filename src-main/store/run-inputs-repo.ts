import type { RunInputValues } from '../../src-shared/schemas/run-inputs.ts';
import type { Db } from './db.ts';

/** The inputs a run was started with, stored with the run; a run started without any has no row. */
export function createRunInputsRepo(db: Db) {
  const insert = db.prepare('INSERT INTO run_inputs (run_id, inputs) VALUES (?, ?)');
  const get = db.prepare<[string], string>('SELECT inputs FROM run_inputs WHERE run_id = ?').pluck();
  return {
    save(runId: string, inputs: RunInputValues): void {
      if (Object.keys(inputs).length > 0) insert.run(runId, JSON.stringify(inputs));
    },
    get(runId: string): RunInputValues | null {
      const raw = get.get(runId) as string | undefined;
      return raw === undefined ? null : (JSON.parse(raw) as RunInputValues);
    },
  };
}
export type RunInputsRepo = ReturnType<typeof createRunInputsRepo>;
