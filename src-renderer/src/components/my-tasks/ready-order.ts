import type { PulledTask } from '../../../../src-shared/contract/domains/work.ts';

/**
 * How the tasks to take are ordered: the longest waiting first (a queue's fairness: nothing
 * sits forgotten at the bottom), or the soonest due first (what has a deadline, before it
 * passes; tasks without one after those with one, longest waiting first among them).
 */
export type ReadyOrder = 'waiting' | 'due';

const at = (iso: string | null): number => {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
};

/** The tasks in the order chosen; a new array, the given one untouched. Ties keep the host's order (its best match first). */
export function orderReady(tasks: readonly PulledTask[], order: ReadyOrder): PulledTask[] {
  const waited = (a: PulledTask, b: PulledTask) => at(a.ready_since) - at(b.ready_since);
  const due = (a: PulledTask, b: PulledTask) => {
    const da = at(a.deadline);
    const db = at(b.deadline);
    return da === db ? 0 : da < db ? -1 : 1;
  };
  const by = order === 'due' ? (a: PulledTask, b: PulledTask) => due(a, b) || waited(a, b) : waited;
  return tasks
    .map((task, i) => ({ task, i }))
    .sort((a, b) => by(a.task, b.task) || a.i - b.i)
    .map((x) => x.task);
}
