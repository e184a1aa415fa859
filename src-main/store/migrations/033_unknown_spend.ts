/**
 * 033: spend whose cost is not known is counted, not taken as $0. A charge records how many of its
 * model calls had no USD figure (`transactions.unknown`: answers whose usage could not be read,
 * calls cut, models without a price, an agent that never reported); a task keeps its total
 * (`task_runs.cost_unknown`) beside what is known (`cost`). Rows before this read 0: known.
 */
export const up = `
ALTER TABLE transactions ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_runs ADD COLUMN cost_unknown INTEGER NOT NULL DEFAULT 0;
`;
