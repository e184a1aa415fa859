import type { StateCreator } from 'zustand';
import type { Run } from '../../../src-shared/schemas/run.ts';
import { api } from '../api/client.ts';
import type { BatonState } from './index.ts';

/** Every run of every plan: the Runs screen, and each plan's last run in the sidebar. */
export interface AllRunsSlice {
  /** Newest first; null until loaded. Kept current by `run.updated` (through upsertRun). */
  allRuns: Run[] | null;
  loadAllRuns(): Promise<void>;
  /** Opens a run where it belongs: its plan, with the run shown (and one of its tasks, when given). */
  openRun(planId: string, runId: string, taskId?: string): Promise<void>;
}

export const createAllRunsSlice: StateCreator<BatonState, [], [], AllRunsSlice> = (set, get) => ({
  allRuns: null,
  async loadAllRuns() {
    try {
      set({ allRuns: newestFirst(await api.listRuns()) });
    } catch (err) {
      get().fail('Could not list the runs', err);
    }
  },
  async openRun(planId, runId, taskId) {
    // Chosen before the plan loads, so opening it does not pick its newest run instead.
    set((s) => ({
      selectedRunId: { ...s.selectedRunId, [planId]: runId },
      autoRun: withAutoRun(s.autoRun, planId, null),
    }));
    await get().selectPlan(planId);
    await get().selectRun(planId, runId);
    if (taskId) await get().selectRunTask(runId, taskId);
  },
});

/** `autoRun` with the plan's run opened by itself set, or (null) cleared: someone chose one. */
export function withAutoRun(
  autoRun: Record<string, string>,
  planId: string,
  runId: string | null,
): Record<string, string> {
  const { [planId]: _, ...others } = autoRun;
  return runId === null ? others : { ...others, [planId]: runId };
}

/** The runs with `run` in its place (replaced, or added), newest first. */
export function withRun(runs: readonly Run[], run: Run): Run[] {
  const i = runs.findIndex((r) => r.id === run.id);
  if (i !== -1) return runs.map((r) => (r.id === run.id ? run : r));
  return newestFirst([run, ...runs]);
}

const newestFirst = (runs: Run[]): Run[] =>
  runs.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));

/** Each plan's newest run, by plan id. */
export function lastRuns(runs: readonly Run[] | null): ReadonlyMap<string, Run> {
  const last = new Map<string, Run>();
  for (const r of runs ?? []) if (!last.has(r.plan_id)) last.set(r.plan_id, r);
  return last;
}
