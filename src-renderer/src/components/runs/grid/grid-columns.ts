import type { Run, TaskRun } from '../../../../../src-shared/schemas/run.ts';

/** The most runs the grid shows, as Airflow's grid does by default. */
export const MAX_GRID_RUNS = 20;
/** The fewest, however narrow the window. */
const MIN_GRID_RUNS = 3;
/** A run's column and the task column, in pixels, as the stylesheet draws them. */
export const CELL_WIDTH = 30;
export const TASK_COLUMN_WIDTH = 200;

/** How many runs fit in `width` pixels beside the task column: at most MAX_GRID_RUNS. */
export function runsThatFit(width: number): number {
  const fit = Math.floor((width - TASK_COLUMN_WIDTH) / CELL_WIDTH);
  return Math.max(MIN_GRID_RUNS, Math.min(MAX_GRID_RUNS, fit));
}

/** A run as the grid shows it: its number among the plan's runs, counted from the first. */
export interface GridRun {
  run: Run;
  /** 1 for the plan's first run. */
  number: number;
}

/**
 * The newest `count` of a plan's runs (listed newest first), oldest at the left and the newest
 * at the right, each numbered by when it started among all the plan's runs.
 */
export function gridRuns(runs: readonly Run[], count: number): GridRun[] {
  const byAge = [...runs].sort((a, b) => a.created_at.localeCompare(b.created_at));
  return byAge.map((run, i) => ({ run, number: i + 1 })).slice(-count);
}

/**
 * The grid's rows: the plan's tasks in the plan's order, then tasks only some runs have (a
 * decider added them, or an older version of the plan had them), in the order the runs list them.
 */
export function gridRows(
  planTasks: readonly string[],
  runs: readonly (Readonly<Record<string, TaskRun>> | undefined)[],
): string[] {
  const rows = [...planTasks];
  const seen = new Set(rows);
  for (const tasks of runs) {
    for (const id of Object.keys(tasks ?? {})) {
      if (seen.has(id)) continue;
      seen.add(id);
      rows.push(id);
    }
  }
  return rows;
}
